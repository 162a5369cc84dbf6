// Partner API tokens (Authorization: Bearer): create one with chosen permissions (its secret shown once, here),
// list the account's tokens and revoke one after confirming.
import { gql, withStepUp } from "../lib/api.js";
import { dateTime, label, texts } from "../lib/i18n.js";
import { me } from "../lib/session.js";
import { button, esc, field, form, payloadErrors, say, view } from "../lib/ui.js";

const t = texts({
  es: {
    intro: "Un token permite que un sistema de confianza (su facturación, un ERP, un socio) use la API en nombre de la cuenta sin conocer su clave. Solo puede hacer lo que usted le permita, y nunca más que usted.",
    create: "Crear token", name: "Nombre (para reconocerlo, por ejemplo el del sistema)", permissions: "Qué podrá hacer",
    expires: "Vence el (opcional)", expiresHelp: "Sin fecha, no vence. Vence al terminar el día elegido.",
    created: "Creado", expiresOn: "Vence", lastUsed: "Último uso", never: "Nunca", noPermissions: "Sin permisos",
    list: "Tokens activos", secretTitle: "Token «{name}» creado", secretWarning: "Copie el token ahora: es la única vez que se muestra y no podremos mostrárselo de nuevo. Guárdelo en un lugar seguro: quien lo tenga puede usar la cuenta con los permisos elegidos. Si lo pierde, revóquelo y cree otro.",
    secret: "Token", copy: "Copiar token", copied: "Token copiado.", copyByHand: "Seleccionamos el token: cópielo con Ctrl+C (o manteniendo el dedo en el teléfono).",
    done: "Ya lo guardé", createdSay: "Token creado.", revoke: "Revocar", revokeLabel: "Revocar el token {name}",
    revokeQuestion: "¿Revocar «{name}»? Los sistemas que lo usan dejarán de tener acceso en el acto.", revokeYes: "Sí, revocar",
    revokeNo: "No, conservarlo", revoked: "Token revocado: ya no da acceso.",
    PROFILE: "ver y corregir los datos del titular", CONTACTS: "ver y gestionar los contactos", SERVICES: "ver los servicios y su estado",
    MANAGE_SERVICES: "pedir y retirar bajas de servicios", MAIL: "leer y reenviar los emails recibidos",
    SECURITY: "ver las sesiones y el historial de movimientos",
  },
  en: {
    intro: "A token lets a system you trust (your billing, an ERP, a partner) use the API on the account's behalf without knowing your password. It can do only what you allow, and never more than you.",
    create: "Create token", name: "Name (to recognise it, e.g. the system's)", permissions: "What it may do",
    expires: "Expires on (optional)", expiresHelp: "Without a date it never expires. It expires at the end of the chosen day.",
    created: "Created", expiresOn: "Expires", lastUsed: "Last used", never: "Never", noPermissions: "No permissions",
    list: "Active tokens", secretTitle: "Token “{name}” created", secretWarning: "Copy the token now: this is the only time it is shown and we cannot show it again. Keep it somewhere safe: whoever has it can use the account with the chosen permissions. If you lose it, revoke it and create another.",
    secret: "Token", copy: "Copy token", copied: "Token copied.", copyByHand: "The token is selected: copy it with Ctrl+C (or a long press on a phone).",
    done: "I have saved it", createdSay: "Token created.", revoke: "Revoke", revokeLabel: "Revoke the token {name}",
    revokeQuestion: "Revoke “{name}”? Systems using it lose access at once.", revokeYes: "Yes, revoke",
    revokeNo: "No, keep it", revoked: "Token revoked: it no longer gives access.",
    PROFILE: "see and correct the holder's data", CONTACTS: "see and manage contacts", SERVICES: "see the services and their status",
    MANAGE_SERVICES: "request and withdraw service cancellations", MAIL: "read and resend received emails",
    SECURITY: "see the sessions and the account history",
  },
});

const FIELDS = "id name permissions createdAt expiresAt lastUsedAt";
const when = (value) => (value ? dateTime(value) : t("never"));
const named = (key, name) => t(key).replace("{name}", name);

// Only permissions the person holds can be given (the API refuses others).
const permissionChoices = () => me.permissions.map((p) => `<label class="check"><input type="checkbox" name="permissions" value="${esc(p)}">
  <span><strong>${esc(label(p))}</strong>: ${esc(t(p))}</span></label>`).join("");

function tokenItem(token) {
  const item = document.createElement("li");
  item.className = "token";
  const granted = token.permissions.map(label).join(", ") || t("noPermissions");
  item.innerHTML = `<strong class="token-name">${esc(token.name)}</strong><span>${esc(t("permissions"))}: ${esc(granted)}</span>
    <span>${esc(t("created"))}: ${esc(dateTime(token.createdAt))} · ${esc(t("expiresOn"))}: ${esc(when(token.expiresAt))}
    · ${esc(t("lastUsed"))}: ${esc(when(token.lastUsedAt))}</span><div class="actions"></div>`;
  const actions = item.querySelector(".actions");
  const ask = button(t("revoke"), "token-revoke", () => {
    const question = document.createElement("p");
    question.className = "revoke-question";
    question.textContent = named("revokeQuestion", token.name);
    const yes = button(t("revokeYes"), "token-revoke-yes danger", async () => {
      const result = await gql(`mutation Revoke($i: ApiTokenRevokeInput!) { apiTokenRevoke(input: $i) { errors { message } } }`, { i: { id: token.id } });
      if (payloadErrors(result.apiTokenRevoke, yes)) return;
      item.remove();
      say("#tokens-title", t("revoked"));
    });
    const no = button(t("revokeNo"), "token-revoke-no", () => { actions.replaceChildren(ask); ask.focus(); });
    actions.replaceChildren(question, yes, no);
    no.focus();
  });
  ask.setAttribute("aria-label", named("revokeLabel", token.name));
  actions.append(ask);
  return item;
}

// The secret, once: gone with "Ya lo guardé" or when the person leaves the screen (it lives only in this element).
function secretBox(name, secret) {
  const box = document.createElement("div");
  box.className = "token-secret";
  box.id = "token-secret";
  box.innerHTML = `<h3>${esc(named("secretTitle", name))}</h3><p class="secret-warning">${esc(t("secretWarning"))}</p>
    <label>${esc(t("secret"))}<input id="token-value" readonly value="${esc(secret)}" autocomplete="off" spellcheck="false"></label>`;
  const input = box.querySelector("input");
  const copy = button(t("copy"), "token-copy", async () => {
    try {
      await navigator.clipboard.writeText(secret);
      say(copy, t("copied"));
    } catch {
      input.select();
      say(copy, t("copyByHand"), "warning");
    }
  });
  const done = button(t("done"), "token-done", () => box.remove());
  const actions = document.createElement("div");
  actions.className = "actions";
  actions.append(copy, done);
  box.append(actions);
  return box;
}

function createForm(list) {
  const element = form(
    `<h3>${esc(t("create"))}</h3>${field(t, "name", "name")}
     <fieldset><legend>${esc(t("permissions"))}</legend>${permissionChoices()}</fieldset>
     <label>${esc(t("expires"))}<input name="expiresOn" type="date" aria-describedby="expires-help"></label>
     <p class="hint" id="expires-help">${esc(t("expiresHelp"))}</p>
     <button id="token-create">${esc(t("create"))}</button>`,
    async ({ name, expiresOn }, el, submitter) => {
      document.querySelector("#token-secret")?.remove();
      const input = {
        name,
        permissions: new FormData(el).getAll("permissions"),
        expiresAt: expiresOn ? new Date(`${expiresOn}T23:59:59`).toISOString() : null,
      };
      const send = async () => (await gql(`mutation TokenCreate($i: ApiTokenCreateInput!) { apiTokenCreate(input: $i) {
        token apiToken { ${FIELDS} } errors { code message } } }`, { i: input })).apiTokenCreate;
      const created = await withStepUp(send);
      if (payloadErrors(created, submitter)) return;
      el.reset();
      list.prepend(tokenItem(created.apiToken));
      const box = secretBox(created.apiToken.name, created.token);
      el.after(box);
      say(submitter, t("createdSay"));
      box.querySelector("input").focus();
    },
  );
  element.classList.add("token-form");
  element.querySelector("[name=name]").autocomplete = "off";  // the integration's name, not the person's
  return element;
}

export async function tokensView() {
  const tokens = (await gql(`query Tokens { viewer { account { apiTokens { ${FIELDS} } } } }`)).viewer.account.apiTokens;
  const section = document.createElement("section");
  section.id = "tokens";
  section.innerHTML = `<h2>${esc(t("navTokens"))}</h2><p>${esc(t("intro"))}</p>`;
  const list = document.createElement("ul");
  list.className = "tokens";
  list.dataset.empty = t("none");
  list.append(...tokens.map(tokenItem));
  const title = document.createElement("h3");
  title.id = "tokens-title";
  title.textContent = t("list");
  section.append(createForm(list), title, list);
  view().replaceChildren(section);
}
