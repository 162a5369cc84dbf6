// Security (seeds 002 and 004, issue 23): support's reset of the holder's factors under way, the person's password
// with the date of its last change, their two-step verification, their passkeys, the holder's PIN, the open sessions
// and the history of movements.
import { gql, withStepUp } from "../lib/api.js";
import { dateTime, texts } from "../lib/i18n.js";
import { may, me } from "../lib/session.js";
import { button, esc, field, form, payloadErrors, say, view } from "../lib/ui.js";
import { createPasskey, passkeysSupported } from "../lib/webauthn.js";
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
    twoStep: "Verificación en dos pasos", twoStepOff: "Además de su clave, pida un código de una aplicación de autenticación (Google Authenticator, Microsoft Authenticator, FreeOTP, Aegis u otra) para ingresar y para los cambios protegidos.",
    twoStepOn: "Activa desde el {when}: para ingresar hace falta su clave y el código de su aplicación de autenticación.",
    enable: "Activar", scan: "Escanee este código QR con su aplicación de autenticación.", qr: "Código QR para su aplicación de autenticación",
    secretHint: "Si no puede escanearlo, escriba esta clave en la aplicación:", secretKey: "Clave para la aplicación",
    confirmCode: "Código de 6 dígitos que muestra la aplicación", confirm: "Confirmar y activar",
    codesTitle: "Sus códigos de recuperación", codesOnce: "Guárdelos en un lugar seguro: no los volveremos a mostrar. Cada uno sirve una sola vez para ingresar si no tiene su teléfono.",
    copyCodes: "Copiar códigos", codesCopied: "Códigos copiados.", copyByHand: "No pudimos copiarlos: selecciónelos y cópielos a mano.",
    download: "Descargar (.txt)", saved: "Ya los guardé", codesLeft: "Códigos de recuperación sin usar: {count}.",
    codesUsed: "Códigos usados", regenerate: "Generar códigos nuevos", disable: "Desactivar la verificación en dos pasos",
    disabled: "Verificación en dos pasos desactivada.", enabled: "Verificación en dos pasos activada. Cerramos sus otras sesiones.",
    passkeys: "Llaves de acceso (passkeys)", passkeysIntro: "Ingrese sin escribir su número de cliente ni su clave: con la huella, el rostro o el PIN de su dispositivo, o con una llave de seguridad. Una llave de acceso también sirve como segundo paso al ingresar con su clave.",
    noPasskeys: "Todavía no registró ninguna llave de acceso.", passkeyName: "Nombre de la llave (por ejemplo, el dispositivo)",
    addPasskey: "Agregar llave de acceso", passkeyAdded: "Llave de acceso agregada. Cerramos sus otras sesiones.",
    created: "Creada", lastUsed: "Último uso", neverUsed: "todavía no se usó", rename: "Cambiar nombre", newName: "Nombre nuevo",
    save: "Guardar", remove: "Eliminar", renamed: "Nombre cambiado.", removed: "Llave de acceso eliminada.",
    renameLabel: "Cambiar nombre de la llave {name}", removeLabel: "Eliminar la llave {name}",
    unsupported: "Este navegador no permite usar llaves de acceso.", nameMissing: "Escriba un nombre para la llave.",
    resetTitle: "Restablecimiento de la verificación en dos pasos en curso",
    resetAt: "Soporte inició el restablecimiento de su verificación en dos pasos; se hará efectivo el {when}: entonces se quitarán su aplicación de autenticación, sus códigos de recuperación y sus llaves de acceso.",
    resetUnconfirmed: "Soporte inició el restablecimiento de su verificación en dos pasos; todavía espera la confirmación desde el enlace enviado a su email principal.",
    resetAtContact: "Soporte inició el restablecimiento de la verificación en dos pasos del titular; se hará efectivo el {when}.",
    resetUnconfirmedContact: "Soporte inició el restablecimiento de la verificación en dos pasos del titular; todavía espera la confirmación desde el enlace enviado a su email principal.",
    resetAdvice: "Si nadie lo pidió, anúlelo: alguien pudo haberse hecho pasar por el titular.",
    resetCancel: "Anular el restablecimiento", resetCancelled: "Restablecimiento anulado: la verificación en dos pasos sigue como estaba.",
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
    twoStep: "Two-step verification", twoStepOff: "Besides your password, ask for a code from an authenticator app (Google Authenticator, Microsoft Authenticator, FreeOTP, Aegis or another) to sign in and for protected changes.",
    twoStepOn: "On since {when}: signing in takes your password and the code from your authenticator app.",
    enable: "Turn on", scan: "Scan this QR code with your authenticator app.", qr: "QR code for your authenticator app",
    secretHint: "If you cannot scan it, type this key into the app:", secretKey: "Key for the app",
    confirmCode: "6-digit code the app shows", confirm: "Confirm and turn on",
    codesTitle: "Your recovery codes", codesOnce: "Keep them somewhere safe: we will not show them again. Each one signs you in once when you do not have your phone.",
    copyCodes: "Copy codes", codesCopied: "Codes copied.", copyByHand: "We could not copy them: select them and copy them by hand.",
    download: "Download (.txt)", saved: "I have saved them", codesLeft: "Unused recovery codes: {count}.",
    codesUsed: "Used codes", regenerate: "Generate new codes", disable: "Turn two-step verification off",
    disabled: "Two-step verification turned off.", enabled: "Two-step verification turned on. We ended your other sessions.",
    passkeys: "Passkeys", passkeysIntro: "Sign in without typing your client number or password: with your device's fingerprint, face or PIN, or with a security key. A passkey also serves as the second step when you sign in with your password.",
    noPasskeys: "You have not registered any passkey yet.", passkeyName: "Name of the passkey (for example, the device)",
    addPasskey: "Add a passkey", passkeyAdded: "Passkey added. We ended your other sessions.",
    created: "Created", lastUsed: "Last used", neverUsed: "not used yet", rename: "Rename", newName: "New name",
    save: "Save", remove: "Remove", renamed: "Name changed.", removed: "Passkey removed.",
    renameLabel: "Rename the passkey {name}", removeLabel: "Remove the passkey {name}",
    unsupported: "This browser cannot use passkeys.", nameMissing: "Type a name for the passkey.",
    resetTitle: "Two-step verification reset under way",
    resetAt: "Support started the reset of your two-step verification; it takes effect on {when}: your authenticator app, recovery codes and passkeys will then be removed.",
    resetUnconfirmed: "Support started the reset of your two-step verification; it still awaits confirmation from the link sent to your primary email.",
    resetAtContact: "Support started the reset of the holder's two-step verification; it takes effect on {when}.",
    resetUnconfirmedContact: "Support started the reset of the holder's two-step verification; it still awaits confirmation from the link sent to the holder's primary email.",
    resetAdvice: "If nobody asked for it, cancel it: someone may have posed as the holder.",
    resetCancel: "Cancel the reset", resetCancelled: "Reset cancelled: two-step verification stays as it was.",
  },
});

const SESSIONS = "sessions { id current createdAt lastSeenAt ipAddress userAgent }";
const TWO_STEP = "secondFactor { totp { enabled createdAt } recoveryCodesLeft recoveryCodesUsed }";
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

// The recovery codes, once: gone with "Ya los guardé" (the section is drawn again) or when the person leaves.
function recoveryCodesBox(codes) {
  const box = document.createElement("div");
  box.className = "token-secret recovery-codes";
  box.id = "recovery-codes";
  box.innerHTML = `<h4>${esc(t("codesTitle"))}</h4><p class="secret-warning">${esc(t("codesOnce"))}</p>
    <ol class="codes">${codes.map((code) => `<li><code>${esc(code)}</code></li>`).join("")}</ol><div class="actions"></div>`;
  const text = `${codes.join("\n")}\n`;
  const copy = button(t("copyCodes"), "codes-copy", async () => {
    try {
      await navigator.clipboard.writeText(text);
      say(copy, t("codesCopied"));
    } catch {
      say(copy, t("copyByHand"), "warning");
    }
  });
  const download = document.createElement("a");
  download.className = "codes-download";
  download.textContent = t("download");
  download.download = "recovery-codes.txt";
  download.href = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
  box.querySelector(".actions").append(copy, download, button(t("saved"), "codes-saved", () => twoStepSection(box.closest(".two-step"))));
  return box;
}

// Enrolment: the QR code and the key (made by the server), then a code from the app turns it on.
function enrolment({ secret, qrCodeSvg }, section) {
  const element = form(
    `<p>${esc(t("scan"))}</p><div class="qr" role="img" aria-label="${esc(t("qr"))}">${qrCodeSvg}</div>
     <p id="secret-hint">${esc(t("secretHint"))}</p>
     <label>${esc(t("secretKey"))}<input id="totp-secret" readonly value="${esc(secret)}" spellcheck="false" aria-describedby="secret-hint"></label>
     <label>${esc(t("confirmCode"))}<input name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="7"></label>
     <button id="totp-confirm">${esc(t("confirm"))}</button>`,
    async ({ code }, _, submitter) => {
      const result = (await gql(`mutation TotpConfirm($i: SecondFactorTotpConfirmInput!) { secondFactorTotpConfirm(input: $i) {
        recoveryCodes errors { message } } }`, { i: { code } })).secondFactorTotpConfirm;
      if (payloadErrors(result, submitter)) return;
      await twoStepSection(section, result.recoveryCodes);
      say("#two-step-state", t("enabled"));
    },
  );
  element.className = "totp-enrolment";
  return element;
}

// Two-step verification, the person's own: off (turn on), or on (recovery codes left and used, new codes, off).
// `codes`: recovery codes just made, shown once above the rest.
export async function twoStepSection(section, codes = null) {
  const { totp, recoveryCodesLeft, recoveryCodesUsed } = (await gql(`query TwoStep { viewer { ${TWO_STEP} } }`)).viewer.secondFactor;
  section.innerHTML = `<h3 id="two-step-title">${esc(t("twoStep"))}</h3>
    <p id="two-step-state">${esc(totp.enabled ? t("twoStepOn").replace("{when}", dateTime(totp.createdAt)) : t("twoStepOff"))}</p>`;
  if (codes) section.append(recoveryCodesBox(codes));
  if (!totp.enabled) {
    const start = button(t("enable"), "totp-start", async () => {
      const send = async () => (await gql(`mutation TotpStart { secondFactorTotpStart { enrolment { secret qrCodeSvg } errors { code message } } }`)).secondFactorTotpStart;
      const result = await withStepUp(send);
      if (payloadErrors(result, start)) return;
      start.replaceWith(enrolment(result.enrolment, section));
      section.querySelector("[name=code]").focus();
    });
    section.append(start);
    return;
  }
  section.insertAdjacentHTML("beforeend", `<p id="codes-left">${esc(t("codesLeft").replace("{count}", recoveryCodesLeft))}</p>
    ${recoveryCodesUsed.length ? `<h4>${esc(t("codesUsed"))}</h4><ul class="codes-used">${recoveryCodesUsed.map((at) => `<li>${esc(dateTime(at))}</li>`).join("")}</ul>` : ""}`);
  const actions = document.createElement("div");
  actions.className = "actions";
  const regenerate = button(t("regenerate"), "codes-regenerate", async () => {
    const send = async () => (await gql(`mutation Regenerate { secondFactorRecoveryCodesRegenerate { recoveryCodes errors { code message } } }`)).secondFactorRecoveryCodesRegenerate;
    const result = await withStepUp(send);
    if (!payloadErrors(result, regenerate)) await twoStepSection(section, result.recoveryCodes);
  });
  const disable = button(t("disable"), "totp-disable", async () => {
    const send = async () => (await gql(`mutation TotpDisable { secondFactorTotpDisable { errors { code message } } }`)).secondFactorTotpDisable;
    if (payloadErrors(await withStepUp(send), disable)) return;
    await twoStepSection(section);
    say("#two-step-state", t("disabled"));
  });
  disable.classList.add("danger");
  actions.append(regenerate, disable);
  section.append(actions);
}

// One passkey: its name, when it was made and last used; rename in place, remove (after step-up).
function passkeyItem(passkey, section) {
  const item = document.createElement("li");
  item.className = "passkey";
  item.innerHTML = `<strong class="passkey-name">${esc(passkey.name)}</strong>
    <span>${esc(t("created"))}: ${esc(dateTime(passkey.createdAt))} · ${esc(t("lastUsed"))}: ${esc(passkey.lastUsedAt ? dateTime(passkey.lastUsedAt) : t("neverUsed"))}</span>
    <div class="actions"></div>`;
  const rename = button(t("rename"), "passkey-rename", () => {
    const editor = form(`<label>${esc(t("newName"))}<input name="name" maxlength="100" value="${esc(passkey.name)}"></label>
      <button class="passkey-rename-save">${esc(t("save"))}</button>`, async ({ name }, _, submitter) => {
      const result = (await gql(`mutation PasskeyRename($i: PasskeyRenameInput!) { passkeyRename(input: $i) { errors { message } } }`,
        { i: { id: passkey.id, name } })).passkeyRename;
      if (payloadErrors(result, submitter)) return;
      await passkeysSection(section);
      say("#passkeys-title", t("renamed"));
    });
    editor.className = "passkey-rename-form";
    item.querySelector(".actions").replaceWith(editor);
    editor.querySelector("[name=name]").select();
  });
  rename.setAttribute("aria-label", t("renameLabel", { name: passkey.name }));
  const remove = button(t("remove"), "passkey-remove", async () => {
    const send = async () => (await gql(`mutation PasskeyRemove($i: PasskeyRemoveInput!) { passkeyRemove(input: $i) { errors { code message } } }`,
      { i: { id: passkey.id } })).passkeyRemove;
    if (payloadErrors(await withStepUp(send), remove)) return;
    await passkeysSection(section);
    say("#passkeys-title", t("removed"));
  });
  remove.classList.add("danger");
  remove.setAttribute("aria-label", t("removeLabel", { name: passkey.name }));
  item.querySelector(".actions").append(rename, remove);
  return item;
}

// The person's passkeys: the list, and a name to add one (step-up, then the browser creates it); also an enrolment.
export async function passkeysSection(section) {
  const { passkeys } = (await gql(`query Passkeys { viewer { secondFactor { passkeys { id name createdAt lastUsedAt } } } }`)).viewer.secondFactor;
  section.innerHTML = `<h3 id="passkeys-title">${esc(t("passkeys"))}</h3><p>${esc(t("passkeysIntro"))}</p>
    ${passkeys.length ? '<ul class="passkeys"></ul>' : `<p id="no-passkeys">${esc(t("noPasskeys"))}</p>`}`;
  section.querySelector(".passkeys")?.append(...passkeys.map((passkey) => passkeyItem(passkey, section)));
  if (!passkeysSupported()) return section.insertAdjacentHTML("beforeend", `<p>${esc(t("unsupported"))}</p>`);
  const add = form(`<label>${esc(t("passkeyName"))}<input name="name" maxlength="100" autocomplete="off"></label>
    <button id="passkey-add">${esc(t("addPasskey"))}</button>`, async ({ name }, _, submitter) => {
    if (!name.trim()) return say(submitter, t("nameMissing"), "error");  // before the device makes a passkey
    const start = async () => (await gql(`mutation PasskeyStart { passkeyRegistrationStart { options errors { code message } } }`)).passkeyRegistrationStart;
    const started = await withStepUp(start);
    if (payloadErrors(started, submitter)) return;
    const credential = await createPasskey(started.options);
    const finished = (await gql(`mutation PasskeyFinish($i: PasskeyRegistrationFinishInput!) { passkeyRegistrationFinish(input: $i) { errors { message } } }`,
      { i: { name, credential } })).passkeyRegistrationFinish;
    if (payloadErrors(finished, submitter)) return;
    await passkeysSection(section);
    say("#passkeys-title", t("passkeyAdded"));
  });
  add.className = "passkey-add";
  section.append(add);
}

// Support's reset of the holder's factors under way (domain/factor_reset): when it happens, and a one-click cancel
// for the holder and the contacts with SECURITY (everyone it notified).
function factorResetNotice({ effectiveAt }) {
  const notice = document.createElement("section");
  notice.className = "notice";
  notice.id = "factor-reset-pending";
  notice.setAttribute("aria-labelledby", "factor-reset-title");
  const state = `${effectiveAt ? "resetAt" : "resetUnconfirmed"}${me.holder ? "" : "Contact"}`;
  notice.innerHTML = `<h3 id="factor-reset-title">${esc(t("resetTitle"))}</h3>
    <p id="factor-reset-state">${esc(t(state, { when: effectiveAt && dateTime(effectiveAt) }))}</p><p>${esc(t("resetAdvice"))}</p>`;
  const cancel = button(t("resetCancel"), "factor-reset-cancel", async () => {
    const result = (await gql(`mutation ResetCancel { accountSecondFactorResetCancel { errors { code message } } }`)).accountSecondFactorResetCancel;
    if (payloadErrors(result, cancel)) return;
    say(notice, t("resetCancelled"));
    notice.remove();
  });
  cancel.classList.add("danger");
  notice.append(cancel);
  return notice;
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
  const data = await gql(`query Security($security: Boolean!, $holder: Boolean!) { viewer { passwordChangedAt account {
    ${SESSIONS} holder @include(if: $holder) { hasSecurityPin } secondFactorReset @include(if: $security) { effectiveAt }
    activity(first: 20) @include(if: $security) { edges { node { at actor summary } } pageInfo { hasNextPage endCursor } } } } }`,
  { security: may("SECURITY"), holder: pinned && may("PROFILE") });
  const { passwordChangedAt, account } = data.viewer;
  const section = document.createElement("section");
  section.className = "security";
  section.innerHTML = `<h2>${esc(t("navSecurity"))}</h2>`;
  if (account.secondFactorReset) section.append(factorResetNotice(account.secondFactorReset));
  section.append(passwordForm(securityView, passwordAge(passwordChangedAt)));
  const twoStep = document.createElement("div");
  twoStep.className = "two-step";
  section.append(twoStep);
  await twoStepSection(twoStep);
  const passkeys = document.createElement("div");
  passkeys.className = "passkeys-section";
  section.append(passkeys);
  await passkeysSection(passkeys);
  if (pinned) section.append(pinForm(Boolean(account.holder?.hasSecurityPin)));
  section.append(sessionsList(account.sessions));
  if (account.activity) section.append(activityList(account.activity));
  view().replaceChildren(section);
}
