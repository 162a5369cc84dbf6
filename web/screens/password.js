// Choosing a new password (seeds 002 and 004): the policy stated before typing, a meter the server judges with
// the person's own words, and a confirmation checked before anything is sent. Used by the password change
// (security.js, also the forced change) and by the invitation page.
import { gql } from "../lib/api.js";
import { texts } from "../lib/i18n.js";
import { esc, say } from "../lib/ui.js";

const t = texts({
  es: {
    newPassword: "Nueva clave", confirmPassword: "Confirme nueva clave", mismatch: "Las dos claves no coinciden: escríbala igual en ambos campos.",
    policy: "Use al menos {min} caracteres (hasta {max}) y llegue a «{level}» en el medidor. No hacen falta símbolos, números ni mayúsculas: varias palabras poco comunes juntas forman una buena clave. Evite su nombre, su email, su número de cliente, fechas y secuencias como 123456 o qwerty, y no use la misma clave en otros sitios.",
    strength: "Fortaleza", meterEmpty: "escriba una clave para medirla.", of: "de", shortBy: "Le faltan {n} caracteres para el mínimo.",
    meets: "Cumple lo pedido.", meterPaused: "El medidor está en pausa:", meterLater: "Al guardar, la clave se revisa igual.",
    level0: "muy débil", level1: "débil", level2: "regular", level3: "fuerte", level4: "muy fuerte",
  },
  en: {
    newPassword: "New password", confirmPassword: "Confirm new password", mismatch: "The two passwords differ: type the same in both fields.",
    policy: "Use at least {min} characters (up to {max}) and reach “{level}” on the meter. No symbols, digits or capitals needed: a few uncommon words together make a good password. Avoid your name, your email, your client number, dates and sequences such as 123456 or qwerty, and do not reuse it on other sites.",
    strength: "Strength", meterEmpty: "type a password to measure it.", of: "of", shortBy: "{n} more characters needed for the minimum.",
    meets: "Meets the policy.", meterPaused: "The meter is paused:", meterLater: "The password is checked anyway when you save it.",
    level0: "very weak", level1: "weak", level2: "fair", level3: "strong", level4: "very strong",
  },
});

const DEBOUNCE_MS = 300;
const STRENGTH = `query Strength($p: String!, $token: String) {
  passwordStrength(password: $p, invitationToken: $token) { score acceptable warning suggestions } }`;

let policy = null;  // the same for everyone: asked once
const readPolicy = () => (policy ??= gql(`query PasswordPolicy { passwordPolicy { minLength maxLength minScore } }`)
  .then((data) => data.passwordPolicy)
  .catch((error) => { policy = null; throw error; }));


// The new password, its meter and its confirmation, as form markup.
export const newPasswordFields = () => `
  <p class="password-policy" id="password-policy"></p>
  <label>${esc(t("newPassword"))}<input name="newPassword" type="password" autocomplete="new-password" required
    aria-describedby="password-policy strength-text"></label>
  <div class="strength"><div class="strength-meter" aria-hidden="true"><span class="strength-bar"></span></div>
    <p id="strength-text" aria-live="polite">${esc(t("strength"))}: ${esc(t("meterEmpty"))}</p></div>
  <label>${esc(t("confirmPassword"))}<input name="confirmPassword" type="password" autocomplete="new-password" required></label>`;

// Red at 0-1, amber at 2, green at 3-4, but never green while the password would be refused (too short).
const colour = ({ score, acceptable }) => (score <= 1 ? "weak" : score === 2 || !acceptable ? "fair" : "strong");

function paint(element, verdict, length) {
  const bar = element.querySelector(".strength-bar");
  const text = element.querySelector("#strength-text");
  bar.className = "strength-bar";
  bar.style.width = "0";
  if (!verdict) { text.textContent = `${t("strength")}: ${t("meterEmpty")}`; return; }
  if (verdict.paused) { text.textContent = `${t("meterPaused")} ${verdict.paused} ${t("meterLater")}`; return; }
  bar.style.width = `${(verdict.score + 1) * 20}%`;
  bar.classList.add(`strength-${colour(verdict)}`);
  const missing = verdict.acceptable ? 0 : Math.max(0, Number(element.dataset.minLength || 0) - length);
  text.textContent = [
    `${t("strength")}: ${t(`level${verdict.score}`)} (${verdict.score} ${t("of")} 4).`,
    missing ? t("shortBy", { n: missing }) : "",
    verdict.acceptable ? t("meets") : "",
    verdict.warning || "",
    ...verdict.suggestions,
  ].filter(Boolean).join(" ");
}

// States the policy and keeps the meter current as the person types (debounced; only the latest answer counts).
// `invitationToken`: on the invitation page, the server judges with the invitee's own words.
export function watchNewPassword(element, invitationToken = null) {
  readPolicy().then(({ minLength, maxLength, minScore }) => {
    element.dataset.minLength = minLength;
    element.querySelector("#password-policy").textContent = t("policy", { min: minLength, max: maxLength, level: t(`level${minScore}`) });
  }).catch(() => {});  // the meter and the server's refusal still say what is missing
  const input = element.querySelector("[name=newPassword]");
  let timer = 0;
  let asked = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const password = input.value;
    const mine = ++asked;
    if (!password) { paint(element, null); return; }
    timer = setTimeout(async () => {
      try {
        const { passwordStrength } = await gql(STRENGTH, { p: password, token: invitationToken });
        if (mine === asked) paint(element, passwordStrength, [...password].length);
      } catch (error) {
        if (mine === asked) paint(element, { paused: error.message });
      }
    }, DEBOUNCE_MS);
  });
  // Once said, a mismatch goes as soon as the two agree (not said on leaving the field: the message would move
  // the button the person is about to press).
  const confirm = element.querySelector("[name=confirmPassword]");
  confirm.addEventListener("input", () => { if (confirm.value === input.value) mismatched(element); });
}

// True (and said next to the confirmation field, which takes the focus with `focus`) when the two new passwords
// differ: checked before sending.
export function mismatched(element, focus = false) {
  const confirm = element.querySelector("[name=confirmPassword]");
  const differ = confirm.value !== element.querySelector("[name=newPassword]").value;
  confirm.setAttribute("aria-invalid", String(differ));
  element.querySelector(".mismatch")?.remove();
  if (differ) say(confirm.closest("label"), t("mismatch"), "error").classList.add("mismatch");
  if (differ && focus) confirm.focus();
  return differ;
}
