// Security (seed 002): the person's password with its meter, the holder's PIN, sessions and the history.
import { gql, withStepUp } from "../lib/api.js";
import { dateTime, texts } from "../lib/i18n.js";
import { may, me } from "../lib/session.js";
import { $, clearMessages, esc, field, form, payloadErrors, say, view } from "../lib/ui.js";

const t = texts({
  es: {
    changePassword: "Cambiar clave", currentPassword: "Clave actual", newPassword: "Clave nueva", strength: "Fortaleza",
    pin: "PIN de seguridad (4 a 8 dígitos)", setPin: "Guardar PIN", sessions: "Sesiones abiertas", close: "Cerrar",
    current: "esta sesión", activity: "Historial de movimientos", passwordChanged: "Clave cambiada.", pinSaved: "PIN guardado.",
    sessionClosed: "Sesión cerrada.",
  },
  en: {
    changePassword: "Change password", currentPassword: "Current password", newPassword: "New password", strength: "Strength",
    pin: "Security PIN (4 to 8 digits)", setPin: "Save PIN", sessions: "Open sessions", close: "Close", current: "this session",
    activity: "Account history", passwordChanged: "Password changed.", pinSaved: "PIN saved.", sessionClosed: "Session ended.",
  },
});

// The password form; also shown alone when a new password is required before going on.
export function passwordForm(onChanged) {
  const element = form(
    `<h3>${t("changePassword")}</h3>${field(t, "currentPassword", "currentPassword", "password")}${field(t, "newPassword", "newPassword", "password")}
     <div>${t("strength")}: <span id="strength-text">-</span><div class="meter"><span id="strength-bar" style="width:0"></span></div></div>
     <button id="password-submit">${t("changePassword")}</button>`,
    async ({ currentPassword, newPassword }, el, submitter) => {
      const payload = await withStepUp(async () => (await gql(`mutation PasswordChange($i: PasswordChangeInput!) { passwordChange(input: $i) { errors { code message } } }`, { i: { currentPassword, newPassword } })).passwordChange, currentPassword);
      if (payloadErrors(payload, submitter)) return;
      el.reset();
      await onChanged();
      say("#password-submit", t("passwordChanged"));  // above the next screen when the form is gone
    },
  );
  element.querySelector("[name=newPassword]").addEventListener("input", async (event) => {
    const { passwordStrength: s } = await gql(`query Strength($p: String!) { passwordStrength(password: $p) { score acceptable warning } }`, { p: event.target.value });
    $("#strength-bar").style.width = `${(s.score + 1) * 20}%`;
    $("#strength-text").textContent = `${s.score}/4 ${s.warning || ""}`;
  });
  return element;
}

// Sessions and the password are always the person's own; the history needs SECURITY, the PIN is the holder's.
export async function securityView() {
  const data = await gql(may("SECURITY")
    ? `query Security { viewer { account { sessions { id current createdAt ipAddress userAgent } activity(first: 20) { edges { node { at actor summary } } } } } }`
    : `query Sessions { viewer { account { sessions { id current createdAt ipAddress userAgent } } } }`);
  const { sessions, activity } = data.viewer.account;
  const section = document.createElement("section");
  section.innerHTML = `<h2>${t("navSecurity")}</h2>`;
  section.append(passwordForm(securityView));
  if (me.holder && may("SECURITY")) {
    section.append(form(`${field(t, "currentPassword", "currentPassword", "password")}${field(t, "pin", "pin", "password")}<button id="pin-submit">${t("setPin")}</button>`,
      async ({ currentPassword, pin }, _, submitter) => {
        const payload = await withStepUp(async () => (await gql(`mutation Pin($i: SecurityPinSetInput!) { securityPinSet(input: $i) { errors { code message } } }`, { i: { currentPassword, pin } })).securityPinSet, currentPassword);
        if (!payloadErrors(payload, submitter)) say(submitter, t("pinSaved"));
      }));
  }
  const list = document.createElement("div");
  list.innerHTML = `<h3 id="sessions-title">${t("sessions")}</h3><table><tbody>${sessions.map((s) => `<tr class="session"><td>${esc(dateTime(s.createdAt))}</td>
    <td>${esc(s.ipAddress)} ${esc(s.userAgent)}</td><td>${s.current ? t("current") : `<button type="button" data-revoke="${esc(s.id)}">${t("close")}</button>`}</td></tr>`).join("")}</tbody></table>
    ${activity ? `<h3>${t("activity")}</h3><table><tbody>${activity.edges.map(({ node: e }) => `<tr class="event"><td>${esc(dateTime(e.at))}</td>
    <td>${esc(e.actor)}</td><td>${esc(e.summary)}</td></tr>`).join("")}</tbody></table>` : ""}`;
  list.addEventListener("click", async (event) => {
    const sessionId = event.target.dataset?.revoke;
    if (!sessionId) return;
    clearMessages();
    try {
      const result = await gql(`mutation Revoke($i: SessionRevokeInput!) { sessionRevoke(input: $i) { errors { message } } }`, { i: { sessionId } });
      if (payloadErrors(result.sessionRevoke, event.target)) return;
      await securityView();
      say("#sessions-title", t("sessionClosed"));
    } catch (error) {
      say(event.target, error.message, "error");
    }
  });
  section.append(list);
  view().replaceChildren(section);
}
