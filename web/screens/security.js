// Security (seeds 002 and 004): the person's password with the date of its last change, the holder's PIN, the open
// sessions and the history of movements.
import { gql, withStepUp } from "../lib/api.js";
import { dateTime, texts } from "../lib/i18n.js";
import { may, me } from "../lib/session.js";
import { button, esc, field, form, payloadErrors, say, view } from "../lib/ui.js";
import { mismatched, newPasswordFields, watchNewPassword } from "./password.js";

const t = texts({
  es: {
    changePassword: "Cambiar clave", currentPassword: "Clave actual", lastChange: "Última modificación", notRecorded: "todavía no la cambió",
    changeAdvice: "Cámbiela en cuanto sospeche que otra persona pudo conocerla o verla. Si nadie más la conoce, no hace falta cambiarla cada tanto. No la comparta, no la guarde en archivos ni use «recordar contraseña» en equipos compartidos.",
    passwordChanged: "Clave cambiada.",
    pinTitle: "PIN de seguridad", pin: "PIN de seguridad", setPin: "Guardar PIN", pinSaved: "PIN guardado.",
    pinRule: "Soporte le pedirá este PIN para confirmar que es usted cuando llame o escriba por chat. Debe tener de 4 a 8 dígitos; no puede repetir un mismo dígito (1111) ni ser una serie (1234, 9876).",
    pinState: "Ya tiene un PIN: si guarda uno nuevo, reemplaza al anterior.", noPin: "Todavía no eligió un PIN.",
    sessions: "Sesiones abiertas", sessionsHelp: "Si no reconoce alguna, ciérrela y cambie su clave.", close: "Cerrar",
    closeLabel: "Cerrar la sesión de {device} iniciada el {when}", current: "Esta sesión", started: "Inicio", lastSeen: "Último uso",
    address: "Dirección IP", sessionClosed: "Sesión cerrada.", on: "en", unknownDevice: "Dispositivo desconocido",
    activity: "Historial de movimientos", more: "Ver más movimientos",
  },
  en: {
    changePassword: "Change password", currentPassword: "Current password", lastChange: "Last changed", notRecorded: "not changed yet",
    changeAdvice: "Change it as soon as you suspect someone else may know or have seen it. If nobody else knows it, there is no need to change it periodically. Do not share it, do not keep it in files and do not use “remember password” on shared computers.",
    passwordChanged: "Password changed.",
    pinTitle: "Security PIN", pin: "Security PIN", setPin: "Save PIN", pinSaved: "PIN saved.",
    pinRule: "Support will ask for this PIN to confirm it is you when you call or chat. It has 4 to 8 digits; it cannot repeat one digit (1111) or be a sequence (1234, 9876).",
    pinState: "You already have a PIN: saving a new one replaces it.", noPin: "You have not chosen a PIN yet.",
    sessions: "Open sessions", sessionsHelp: "If you do not recognise one, end it and change your password.", close: "End",
    closeLabel: "End the session of {device} started on {when}", current: "This session", started: "Started", lastSeen: "Last used",
    address: "IP address", sessionClosed: "Session ended.", on: "on", unknownDevice: "Unknown device",
    activity: "Account history", more: "Show more",
  },
});

const SESSIONS = "sessions { id current createdAt lastSeenAt ipAddress userAgent }";
const ACTIVITY = `query Activity($after: String) { viewer { account { activity(first: 20, after: $after) {
  edges { node { at actor summary } } pageInfo { hasNextPage endCursor } } } } }`;

// The password form; also shown alone when a new password is required before going on. `intro`: markup shown
// under its title (the security screen puts the date of the last change there).
export function passwordForm(onChanged, intro = "") {
  const element = form(
    `<h3>${esc(t("changePassword"))}</h3>${intro}${field(t, "currentPassword", "currentPassword", "password")}${newPasswordFields()}
     <button id="password-submit">${esc(t("changePassword"))}</button>`,
    async ({ currentPassword, newPassword }, el, submitter) => {
      if (mismatched(el, true)) return;
      const send = async () => (await gql(`mutation PasswordChange($i: PasswordChangeInput!) { passwordChange(input: $i) { errors { code message } } }`,
        { i: { currentPassword, newPassword } })).passwordChange;
      if (payloadErrors(await withStepUp(send, currentPassword), submitter)) return;
      el.reset();
      await onChanged();
      say("#password-submit", t("passwordChanged"));  // above the next screen when the form is gone
    },
  );
  element.classList.add("password-form");
  element.querySelector("[name=currentPassword]").autocomplete = "current-password";
  watchNewPassword(element);
  return element;
}

const passwordAge = (changedAt) => `<p class="password-age"><strong>${esc(t("lastChange"))}:</strong>
  <span id="password-changed-at">${esc(changedAt ? dateTime(changedAt) : t("notRecorded"))}</span></p>
  <p class="password-advice">${esc(t("changeAdvice"))}</p>`;

// The holder's PIN, which support uses to identify them by phone or chat (seed 004).
function pinForm(hasPin) {
  const element = form(
    `<h3>${esc(t("pinTitle"))}</h3><p class="pin-rule" id="pin-rule">${esc(t("pinRule"))}</p><p>${esc(t(hasPin ? "pinState" : "noPin"))}</p>
     ${field(t, "currentPassword", "currentPassword", "password")}
     <label>${esc(t("pin"))}<input name="pin" type="password" inputmode="numeric" autocomplete="off" maxlength="8" aria-describedby="pin-rule"></label>
     <button id="pin-submit">${esc(t("setPin"))}</button>`,
    async ({ currentPassword, pin }, el, submitter) => {
      const send = async () => (await gql(`mutation Pin($i: SecurityPinSetInput!) { securityPinSet(input: $i) { errors { code message } } }`,
        { i: { currentPassword, pin } })).securityPinSet;
      if (payloadErrors(await withStepUp(send, currentPassword), submitter)) return;
      el.reset();
      say(submitter, t("pinSaved"));
    },
  );
  element.querySelector("[name=currentPassword]").autocomplete = "current-password";
  return element;
}

// "Chrome en Linux" rather than the browser's whole User-Agent.
function device(userAgent) {
  const ua = userAgent || "";
  const find = (marks) => marks.find(([mark]) => ua.includes(mark))?.[1];
  const browser = find([["Edg/", "Edge"], ["OPR/", "Opera"], ["Firefox/", "Firefox"], ["Chrome/", "Chrome"], ["Safari/", "Safari"]]);
  const system = find([["Android", "Android"], ["iPhone", "iPhone"], ["iPad", "iPad"], ["Windows", "Windows"], ["Mac OS", "macOS"], ["Linux", "Linux"]]);
  if (browser && system) return `${browser} ${t("on")} ${system}`;
  return browser || system || ua.slice(0, 60) || t("unknownDevice");
}

function sessionsList(sessions) {
  const section = document.createElement("div");
  section.innerHTML = `<h3 id="sessions-title">${esc(t("sessions"))}</h3><p>${esc(t("sessionsHelp"))}</p><ul class="sessions"></ul>`;
  const list = section.querySelector("ul");
  for (const s of sessions) {
    const item = document.createElement("li");
    item.className = "session";
    item.innerHTML = `<strong>${esc(device(s.userAgent))}</strong>
      <span>${esc(t("address"))}: ${esc(s.ipAddress || "-")}</span>
      <span>${esc(t("started"))}: ${esc(dateTime(s.createdAt))} · ${esc(t("lastSeen"))}: ${esc(dateTime(s.lastSeenAt))}</span>`;
    if (s.current) {
      item.insertAdjacentHTML("beforeend", `<span class="current">${esc(t("current"))}</span>`);
    } else {
      const close = button(t("close"), "session-close", async () => {
        const result = await gql(`mutation Revoke($i: SessionRevokeInput!) { sessionRevoke(input: $i) { errors { message } } }`, { i: { sessionId: s.id } });
        if (payloadErrors(result.sessionRevoke, close)) return;
        item.remove();
        say("#sessions-title", t("sessionClosed"));
      });
      close.setAttribute("aria-label", t("closeLabel").replace("{device}", device(s.userAgent)).replace("{when}", dateTime(s.createdAt)));
      item.append(close);
    }
    list.append(item);
  }
  return section;
}

// The history of movements (SECURITY), newest first, twenty at a time.
function activityList(page) {
  const section = document.createElement("div");
  section.innerHTML = `<h3 id="activity-title">${esc(t("activity"))}</h3><ol class="history"></ol>`;
  const list = section.querySelector("ol");
  const add = ({ edges, pageInfo }) => {
    list.insertAdjacentHTML("beforeend", edges.map(({ node: e }) => `<li class="event"><span class="event-when">${esc(dateTime(e.at))}</span>
      <span class="event-who">${esc(e.actor)}</span><span class="event-what">${esc(e.summary)}</span></li>`).join(""));
    section.querySelector(".more")?.remove();
    if (!pageInfo.hasNextPage) return;
    section.append(button(t("more"), "more", async () => {
      add((await gql(ACTIVITY, { after: pageInfo.endCursor })).viewer.account.activity);
    }));
  };
  add(page);
  return section;
}

// Sessions and the password are always the person's own; the history needs SECURITY, the PIN is the holder's.
export async function securityView() {
  const pinned = me.holder && may("SECURITY");
  const data = await gql(`query Security($history: Boolean!, $holder: Boolean!) { viewer { passwordChangedAt account {
    ${SESSIONS} holder @include(if: $holder) { hasSecurityPin }
    activity(first: 20) @include(if: $history) { edges { node { at actor summary } } pageInfo { hasNextPage endCursor } } } } }`,
  { history: may("SECURITY"), holder: pinned && may("PROFILE") });
  const { passwordChangedAt, account } = data.viewer;
  const section = document.createElement("section");
  section.className = "security";
  section.innerHTML = `<h2>${esc(t("navSecurity"))}</h2>`;
  section.append(passwordForm(securityView, passwordAge(passwordChangedAt)));
  if (pinned) section.append(pinForm(Boolean(account.holder?.hasSecurityPin)));
  section.append(sessionsList(account.sessions));
  if (account.activity) section.append(activityList(account.activity));
  view().replaceChildren(section);
}
