// A small reference client for the Panel de Clientes API: public GraphQL only, cookie session,
// automatic persisted queries, and the live cancellation status over graphql-transport-ws.

const TEXT = {
  es: {
    title: "Panel de Clientes", signOut: "Salir", navHolder: "Datos del titular", navServices: "Servicios",
    navContacts: "Contactos", navMail: "Emails Recibidos", navSecurity: "Seguridad", login: "Número de cliente o email",
    password: "Clave", signIn: "Ingresar", forgot: "¿Olvidó su número de cliente o clave?", recover: "Recuperar acceso",
    method: "Dato", domain: "Nombre de dominio", clientNumber: "Número de cliente", primaryEmail: "Email primario",
    value: "Valor", send: "Enviar", recoverySent: "Si los datos corresponden a una cuenta, le enviamos un email para confirmar.",
    recoveryDone: "Listo: le enviamos por email su número de cliente y una clave nueva.", update: "Actualizar datos",
    company: "Empresa", email: "Email", phone: "Teléfono", street: "Calle y número", neighborhood: "Barrio / colonia",
    city: "Ciudad", state: "Provincia / estado", postalCode: "Código postal", country: "País (AR, MX...)", language: "Idioma",
    saved: "Datos guardados.", requestCancel: "Solicitar baja", confirmCancel: "Confirmar baja", withdraw: "Retirar solicitud",
    reason: "Motivo", ack: "Leí que se eliminará todo el contenido del sitio y los emails.", code: "Código de confirmación",
    deadline: "Plazo para pedir la baja", debitWarning: "Débito automático: el próximo débito se procesará y no será reintegrado.",
    deleted: "Se eliminará", status: "Estado", search: "Buscar", view: "Ver Mensaje", permissions: "Permisos",
    categories: "Emails", active: "Activo", changePassword: "Cambiar clave", currentPassword: "Clave actual",
    newPassword: "Clave nueva", strength: "Fortaleza", pin: "PIN de seguridad (4 a 8 dígitos)", setPin: "Guardar PIN",
    sessions: "Sesiones abiertas", close: "Cerrar", current: "esta sesión", activity: "Historial de movimientos",
    mustChange: "Debe elegir una clave nueva antes de continuar.", chooseCredentials: "Elija su clave", accept: "Aceptar invitación",
    none: "Nada por aquí.", passwordChanged: "Clave cambiada.", pinSaved: "PIN guardado.", requested: "Le enviamos un código por email.",
    emailPending: "Le enviamos un enlace a {email}: el email cambiará cuando lo abra. Hasta entonces todo sigue llegando a la dirección actual.",
    emailConfirmed: "Listo: su email cambió.",
    stepUp: "Por seguridad, confirme su clave actual para hacer este cambio:",
    navHome: "Inicio", hello: "Hola, {name}.", youMay: "Con su acceso puede:", notGranted: "Para esto necesita un permiso que puede darle el titular de la cuenta:",
    mayProfile: "Ver y actualizar los datos del titular de la cuenta.", mayServices: "Ver los servicios y el estado de sus bajas.",
    mayManage: "Solicitar, confirmar y retirar bajas de servicios.", mayManageBlind: "Solicitar, confirmar y retirar bajas de servicios (para ver los servicios necesita también el permiso Servicios).",
    mayContacts: "Ver los contactos de la cuenta.", mayMailAll: "Ver todos los emails enviados a la cuenta.",
    mayMailOwn: "Ver los emails que le enviamos a usted.", maySecurity: "Ver el historial de movimientos de la cuenta.",
    mayPin: "Elegir el PIN de seguridad.", alwaysYours: "Cambiar su clave y ver o cerrar sus sesiones abiertas.",
    confirmed: "Baja confirmada: el servicio se dará de baja en las próximas 24 horas. Hasta entonces puede retirar la solicitud.",
    withdrawn: "Solicitud de baja retirada: el servicio sigue activo.", sessionClosed: "Sesión cerrada.",
    manageNeeded: "Para solicitar o confirmar bajas necesita el permiso Gestionar servicios.", closeMessage: "Cerrar mensaje",
    sent: "Enviado", noSubject: "(sin asunto)", chooseMessage: "Elija un mensaje y presione “Ver Mensaje”.",
  },
  en: {
    title: "Client Panel", signOut: "Sign out", navHolder: "Holder data", navServices: "Services", navContacts: "Contacts",
    navMail: "Received emails", navSecurity: "Security", login: "Client number or email", password: "Password", signIn: "Sign in",
    forgot: "Forgot your client number or password?", recover: "Recover access", method: "Data", domain: "Domain name",
    clientNumber: "Client number", primaryEmail: "Primary email", value: "Value", send: "Send",
    recoverySent: "If the data matches an account, we sent an email to confirm.",
    recoveryDone: "Done: we emailed your client number and a new password.", update: "Update data", company: "Company",
    email: "Email", phone: "Phone", street: "Street and number", neighborhood: "Neighbourhood", city: "City",
    state: "State / province", postalCode: "Postal code", country: "Country (AR, MX...)", language: "Language",
    saved: "Saved.", requestCancel: "Request cancellation", confirmCancel: "Confirm cancellation", withdraw: "Withdraw request",
    reason: "Reason", ack: "I have read that all site content and email will be deleted.", code: "Confirmation code",
    deadline: "Deadline to request", debitWarning: "Automatic debit: the next debit will be processed and not refunded.",
    deleted: "Will be deleted", status: "Status", search: "Search", view: "View message", permissions: "Permissions",
    categories: "Emails", active: "Active", changePassword: "Change password", currentPassword: "Current password",
    newPassword: "New password", strength: "Strength", pin: "Security PIN (4 to 8 digits)", setPin: "Save PIN",
    sessions: "Open sessions", close: "Close", current: "this session", activity: "Account history",
    mustChange: "Choose a new password before going on.", chooseCredentials: "Choose your password", accept: "Accept invitation",
    none: "Nothing here.", passwordChanged: "Password changed.", pinSaved: "PIN saved.", requested: "We emailed you a code.",
    emailPending: "We sent a link to {email}: your email changes when you open it. Until then everything keeps going to the current address.",
    emailConfirmed: "Done: your email changed.",
    stepUp: "For your security, confirm your current password to make this change:",
    navHome: "Home", hello: "Hello, {name}.", youMay: "With your access you may:", notGranted: "These need a permission the account holder can give you:",
    mayProfile: "See and update the account holder's data.", mayServices: "See the services and the state of their cancellations.",
    mayManage: "Request, confirm and withdraw service cancellations.", mayManageBlind: "Request, confirm and withdraw service cancellations (to see the services you also need the Services permission).",
    mayContacts: "See the account's contacts.", mayMailAll: "See every email sent to the account.",
    mayMailOwn: "See the emails we sent to you.", maySecurity: "See the account's history.",
    mayPin: "Choose the security PIN.", alwaysYours: "Change your password and see or end your open sessions.",
    confirmed: "Cancellation confirmed: the service will be cancelled within 24 hours. Until then you can withdraw the request.",
    withdrawn: "Cancellation request withdrawn: the service stays active.", sessionClosed: "Session ended.",
    manageNeeded: "To request or confirm cancellations you need the Manage services permission.", closeMessage: "Close message",
    sent: "Sent", noSubject: "(no subject)", chooseMessage: "Choose a message and press “View message”.",
  },
};

const STATUS = {
  es: { ACTIVE: "Activo", SUSPENDED: "Suspendido", CANCELLATION_PENDING: "Baja pendiente", CANCELLED: "Dado de baja",
    AWAITING_CONFIRMATION: "Esperando confirmación", SCHEDULED: "Baja programada", COMPLETED: "Baja completada",
    WITHDRAWN: "Solicitud retirada", EXPIRED: "Solicitud vencida" },
  en: { ACTIVE: "Active", SUSPENDED: "Suspended", CANCELLATION_PENDING: "Cancellation pending", CANCELLED: "Cancelled",
    AWAITING_CONFIRMATION: "Awaiting confirmation", SCHEDULED: "Cancellation scheduled", COMPLETED: "Cancellation completed",
    WITHDRAWN: "Request withdrawn", EXPIRED: "Request expired" },
};

// Codes the API returns, in words (the screen never shows a raw code).
const LABELS = {
  es: { PROFILE: "Datos del titular", CONTACTS: "Contactos", SERVICES: "Servicios", MANAGE_SERVICES: "Gestionar servicios",
    MAIL: "Emails", SECURITY: "Seguridad", GENERAL: "General", PRODUCTS: "Productos", DOMAINS: "Dominios", NOTES: "Notas",
    SUPPORT: "Soporte" },
  en: { PROFILE: "Holder data", CONTACTS: "Contacts", SERVICES: "Services", MANAGE_SERVICES: "Manage services",
    MAIL: "Emails", SECURITY: "Security", GENERAL: "General", PRODUCTS: "Products", DOMAINS: "Domains", NOTES: "Notes",
    SUPPORT: "Support" },
};

let lang = localStorage.getItem("lang") || "es";
// What the signed-in person may do: `viewer { permissions }`, read before anything else (docs/frontend.md).
let me = { permissions: [], holder: false };
const may = (permission) => me.permissions.includes(permission);
const label = (code) => LABELS[lang][code] || code;
const t = (key) => TEXT[lang][key] || key;
const $ = (selector) => document.querySelector(selector);
const statusText = (service, cancellation) =>
  [service.status, cancellation?.status].filter(Boolean).map((code) => STATUS[lang][code] || code).join(" · ");
const esc = (value) => String(value ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const view = () => $("#view");

async function sha256(text) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// POST a GraphQL operation, first by its hash only (automatic persisted queries).
async function gql(query, variables = {}) {
  const persistedQuery = { version: 1, sha256Hash: await sha256(query) };
  const post = (body) => fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", "accept-language": lang },
    body: JSON.stringify({ variables, extensions: { persistedQuery }, ...body }),
  }).then((r) => r.json());
  let body = await post({});
  if (body.errors?.[0]?.extensions?.code === "PERSISTED_QUERY_NOT_FOUND") body = await post({ query });
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join(" "));
  return body.data;
}

// Messages appear next to what the person acted on (`anchor`: an element or a selector, resolved when the
// message is shown, so after a screen re-renders), role "status" for news and "alert" for errors. When the
// anchor is gone they go to #flash, above the screen. A new action or another screen clears them.
function say(anchor, message, kind = "ok") {
  if (!message) return null;
  const found = typeof anchor === "string" ? document.querySelector(anchor) : anchor;
  const element = document.createElement("p");
  element.className = `msg ${kind}`;
  element.setAttribute("role", kind === "error" ? "alert" : "status");
  element.textContent = message;
  if (found?.isConnected && found.matches("td")) found.append(element);
  else if (found?.isConnected) found.after(element);
  else $("#flash").replaceChildren(element);
  element.scrollIntoView({ block: "nearest" });
  return element;
}

function clearMessages() {
  document.querySelectorAll(".msg").forEach((element) => element.remove());
}

const flash = (message, kind = "ok") => say(null, message, kind);

// Sensitive changes need a recent sign-in (STEP_UP_REQUIRED): prove it with the password, then send once more.
async function withStepUp(send, password = null) {
  const payload = await send();
  if (!(payload.errors || []).some((e) => e.code === "STEP_UP_REQUIRED")) return payload;
  const given = password || window.prompt(t("stepUp"));
  if (!given) return payload;
  const data = await gql(`mutation Reauthenticate($i: ReauthenticateInput!) { reauthenticate(input: $i) { errors { code message } } }`, { i: { password: given } });
  return data.reauthenticate.errors.length ? data.reauthenticate : send();
}

// Shows a payload's errors next to `anchor`; true when there were any.
function payloadErrors(payload, anchor = null) {
  const text = [...(payload.errors || []).map((e) => e.message)].join(" ");
  if (text) say(anchor, text, "error");
  return Boolean(text);
}

// A form whose messages go next to its submit button; `onSubmit(values, form, button)`.
function form(html, onSubmit) {
  const element = document.createElement("form");
  element.innerHTML = html;
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearMessages();
    const submitter = event.submitter || element.querySelector("button");
    if (submitter) submitter.disabled = true;
    try {
      await onSubmit(Object.fromEntries(new FormData(element)), element, submitter);
    } catch (error) {
      say(submitter, error.message, "error");
    } finally {
      if (submitter) submitter.disabled = false;
    }
  });
  return element;
}

const field = (name, label, type = "text", value = "") =>
  `<label>${esc(t(label))}<input name="${name}" type="${type}" value="${esc(value)}"></label>`;

// ---- signed out: sign in, access recovery, invitation ----

function signInView() {
  view().replaceChildren(form(
    `<h2>${esc(t("signIn"))}</h2>${field("login", "login")}${field("password", "password", "password")}
     <button id="signin-button">${esc(t("signIn"))}</button><a href="#recover" id="forgot">${esc(t("forgot"))}</a>`,
    async ({ login, password }, _, submitter) => {
      const data = await gql(`mutation SignIn($i: SignInInput!) { signIn(input: $i) { errors { message } } }`, { i: { login, password } });
      if (!payloadErrors(data.signIn, submitter)) await route();
    },
  ));
}

function recoveryView() {
  view().replaceChildren(form(
    `<h2>${esc(t("recover"))}</h2>
     <label>${esc(t("method"))}<select name="method"><option value="DOMAIN">${esc(t("domain"))}</option>
     <option value="CLIENT_NUMBER">${esc(t("clientNumber"))}</option><option value="PRIMARY_EMAIL">${esc(t("primaryEmail"))}</option></select></label>
     ${field("value", "value")}<button id="recover-button">${esc(t("send"))}</button>`,
    async ({ method, value }, _, submitter) => {
      const data = await gql(`mutation RecoveryRequest($i: AccessRecoveryRequestInput!) { accessRecoveryRequest(input: $i) { errors { message } } }`, { i: { method, value } });
      if (!payloadErrors(data.accessRecoveryRequest, submitter)) say(submitter, t("recoverySent"));
    },
  ));
}

async function recoveryConfirmView(token) {
  const data = await gql(`mutation RecoveryConfirm($i: AccessRecoveryConfirmInput!) { accessRecoveryConfirm(input: $i) { errors { message } } }`, { i: { token } });
  if (!payloadErrors(data.accessRecoveryConfirm)) flash(t("recoveryDone"));
  history.replaceState(null, "", "/");
  signInView();
}

async function emailConfirmView(token) {
  const data = await gql(`mutation EmailChangeConfirm($i: EmailChangeConfirmInput!) { emailChangeConfirm(input: $i) { errors { message } } }`, { i: { token } });
  if (!payloadErrors(data.emailChangeConfirm)) flash(t("emailConfirmed"));
  history.replaceState(null, "", "/");
  await route();
}

function invitationView(token) {
  view().replaceChildren(form(
    `<h2>${esc(t("chooseCredentials"))}</h2>${field("password", "newPassword", "password")}<button>${esc(t("accept"))}</button>`,
    async ({ password }, _, submitter) => {
      const data = await gql(`mutation Accept($i: ContactInvitationAcceptInput!) { contactInvitationAccept(input: $i) { errors { message } } }`, { i: { token, password } });
      if (!payloadErrors(data.contactInvitationAccept, submitter)) { history.replaceState(null, "", "/"); await route(); }
    },
  ));
}

// ---- holder data ----

const HOLDER = `query Holder { viewer { account { holder { firstName lastName companyName email phone language version
  nationalId { formatted } taxId { formatted } address { street neighborhood city state postalCode countryCode } } } } }`;

async function holderView() {
  const h = (await gql(HOLDER)).viewer.account.holder;
  const a = h.address || {};
  const section = document.createElement("section");
  section.innerHTML = `<h2>${esc(t("navHolder"))}</h2><p id="holder-name">${esc(h.firstName)} ${esc(h.lastName)}
    ${h.nationalId ? `· ${esc(h.nationalId.formatted)}` : ""} ${h.taxId ? `· ${esc(h.taxId.formatted)}` : ""}</p>`;
  section.append(form(
    `<h3>${esc(t("update"))}</h3>${field("companyName", "company", "text", h.companyName)}${field("email", "email", "email", h.email)}
     ${field("phone", "phone", "tel", h.phone)}${field("street", "street", "text", a.street)}${field("neighborhood", "neighborhood", "text", a.neighborhood)}
     ${field("city", "city", "text", a.city)}${field("state", "state", "text", a.state)}${field("postalCode", "postalCode", "text", a.postalCode)}
     ${field("countryCode", "country", "text", a.countryCode)}<button id="holder-save">${esc(t("update"))}</button>`,
    async (values, _, submitter) => {
      const input = { expectedVersion: h.version, companyName: values.companyName || null, phone: values.phone || null };
      if (values.email !== h.email) input.email = values.email;
      if (values.street) input.address = { street: values.street, neighborhood: values.neighborhood || null, city: values.city, state: values.state || null, postalCode: values.postalCode, countryCode: values.countryCode };
      const update = async () => (await gql(`mutation HolderUpdate($i: HolderUpdateInput!) { holderUpdate(input: $i) { holder { pendingEmail } errors { code field message } warnings { message } } }`, { i: input })).holderUpdate;
      const payload = await withStepUp(update);
      if (payloadErrors(payload, submitter)) return;
      await holderView();
      const pending = payload.holder.pendingEmail;
      const warning = payload.warnings.map((w) => w.message).join(" ");
      const notice = [pending ? t("emailPending").replace("{email}", pending) : "", warning].filter(Boolean).join(" ");
      say("#holder-save", notice || t("saved"), warning ? "warning" : "ok");
    },
  ));
  view().replaceChildren(section);
}

// ---- services and cancellation, with the live status ----

const SERVICES = `query Services { viewer { account { services(first: 50) { edges { node { id name domain status paymentMethod nextDueDate
  cancellation { id status effectiveBy attemptsLeft }
  cancellationPreview { canRequest blockers requestDeadline automaticDebitCutoff nextDebitWillBeCharged dataDeleted } } } } } } }`;

let live = null;

function watchCancellations() {
  if (live) return;
  live = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`, "graphql-transport-ws");
  live.onopen = () => live.send(JSON.stringify({ type: "connection_init", payload: {} }));
  live.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "connection_ack") {
      live.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: "subscription { cancellationStatusChanged { cancellation { id status } service { id status } } }" } }));
    } else if (message.type === "ping") {
      live.send(JSON.stringify({ type: "pong" }));
    } else if (message.type === "next" && message.payload.data) {
      const { service, cancellation } = message.payload.data.cancellationStatusChanged;
      const cell = document.querySelector(`[data-service="${CSS.escape(service.id)}"] .status`);
      if (cell) {
        cell.textContent = statusText(service, cancellation);
        servicesView().catch((error) => flash(error.message, "error"));  // refresh the buttons too
      }
    }
  };
  live.onclose = () => { live = null; };
}

const actionsOf = (serviceId) => `[data-service="${CSS.escape(serviceId)}"] .actions`;

async function servicesView() {
  const edges = (await gql(SERVICES)).viewer.account.services.edges;
  // A live refresh redraws the table: the messages shown in each service's row stay with it.
  const kept = [...document.querySelectorAll("[data-service] .actions .msg")].map((m) => [m.closest("[data-service]").dataset.service, m]);
  const section = document.createElement("section");
  section.innerHTML = `<h2>${esc(t("navServices"))}</h2>${may("MANAGE_SERVICES") ? "" : `<p id="manage-needed">${esc(t("manageNeeded"))}</p>`}
    <table><tbody>${edges.map(({ node: s }) => `
    <tr data-service="${esc(s.id)}"><td>${esc(s.name)}<br><small>${esc(s.domain)}</small></td>
    <td class="status">${esc(statusText(s, s.cancellation))}</td>
    <td class="actions"></td></tr>`).join("")}</tbody></table>`;
  for (const { node: s } of edges) {
    const actions = section.querySelector(actionsOf(s.id));
    if (!may("MANAGE_SERVICES")) continue;
    const open = s.cancellation && ["AWAITING_CONFIRMATION", "SCHEDULED"].includes(s.cancellation.status);
    if (s.cancellationPreview.canRequest) actions.append(button(t("requestCancel"), "request-cancel", () => cancellationForm(s)));
    if (open && s.cancellation.status === "AWAITING_CONFIRMATION") actions.append(button(t("confirmCancel"), "confirm-cancel", () => confirmForm(s)));
    if (open) actions.append(button(t("withdraw"), "withdraw-cancel", async (clicked) => {
      const data = await gql(`mutation Withdraw($i: ServiceCancellationWithdrawInput!) { serviceCancellationWithdraw(input: $i) { errors { message } } }`, { i: { cancellationId: s.cancellation.id } });
      if (payloadErrors(data.serviceCancellationWithdraw, clicked)) return;
      await servicesView();
      say(actionsOf(s.id), t("withdrawn"));
    }));
  }
  for (const [serviceId, message] of kept) section.querySelector(actionsOf(serviceId))?.append(message);
  view().replaceChildren(section);
  watchCancellations();
}

// A button whose messages go next to it; `onClick(button)`.
function button(text, name, onClick) {
  const element = document.createElement("button");
  element.type = "button";
  element.textContent = text;
  element.className = name;
  element.addEventListener("click", async () => {
    clearMessages();
    try { await onClick(element); } catch (error) { say(element, error.message, "error"); }
  });
  return element;
}

// The cancellation forms open in a row right below the service they are about.
function cancelPanel(s, content) {
  document.querySelector("#cancel-panel")?.remove();
  const row = document.createElement("tr");
  row.id = "cancel-panel";
  const cell = document.createElement("td");
  cell.colSpan = 3;
  cell.append(content);
  row.append(cell);
  document.querySelector(`[data-service="${CSS.escape(s.id)}"]`).after(row);
  content.querySelector("input:not([type=checkbox])")?.focus();
  row.scrollIntoView({ block: "nearest" });
}

async function cancellationForm(s) {
  const p = s.cancellationPreview;
  cancelPanel(s, form(
    `<h3>${esc(t("requestCancel"))}: ${esc(s.name)}</h3>
     ${p.requestDeadline ? `<p>${esc(t("deadline"))}: ${esc(new Date(p.requestDeadline).toLocaleString(lang))}</p>` : ""}
     ${p.nextDebitWillBeCharged ? `<p class="warning" id="debit-warning">${esc(t("debitWarning"))}</p>` : ""}
     <p>${esc(t("deleted"))}: ${p.dataDeleted.map(esc).join(", ")}</p>
     ${field("reason", "reason")}<label><span><input type="checkbox" name="ack"> ${esc(t("ack"))}</span></label>
     <button id="request-submit">${esc(t("requestCancel"))}</button>`,
    async ({ reason, ack }, _, submitter) => {
      const data = await gql(`mutation Request($i: ServiceCancellationRequestInput!) { serviceCancellationRequest(input: $i) { errors { message } warnings { message } } }`,
        { i: { serviceId: s.id, reason, acknowledgeDataDeletion: ack === "on" } });
      if (payloadErrors(data.serviceCancellationRequest, submitter)) return;
      await servicesView();
      const warnings = data.serviceCancellationRequest.warnings.map((w) => w.message);
      say(actionsOf(s.id), [t("requested"), ...warnings].join(" "), warnings.length ? "warning" : "ok");
    },
  ));
}

async function confirmForm(s) {
  cancelPanel(s, form(
    `<h3>${esc(t("confirmCancel"))}: ${esc(s.name)}</h3>${field("code", "code")}<button id="confirm-submit">${esc(t("confirmCancel"))}</button>`,
    async ({ code }, _, submitter) => {
      const data = await gql(`mutation Confirm($i: ServiceCancellationConfirmInput!) { serviceCancellationConfirm(input: $i) { errors { message } } }`,
        { i: { cancellationId: s.cancellation.id, code } });
      if (payloadErrors(data.serviceCancellationConfirm, submitter)) return;
      await servicesView();
      say(actionsOf(s.id), t("confirmed"));
    },
  ));
}

// ---- contacts ----

async function contactsView() {
  const edges = (await gql(`query Contacts { viewer { account { contacts(first: 50) { edges { node { id firstName lastName email active permissions emailCategories invitationPending } } } } } }`)).viewer.account.contacts.edges;
  view().innerHTML = `<h2>${esc(t("navContacts"))}</h2>${edges.length ? `<table><thead><tr><th></th><th>${esc(t("email"))}</th><th>${esc(t("active"))}</th>
    <th>${esc(t("permissions"))}</th><th>${esc(t("categories"))}</th></tr></thead><tbody>${edges.map(({ node: c }) => `<tr class="contact">
    <td>${esc(c.firstName)} ${esc(c.lastName)}</td><td>${esc(c.email)}</td><td>${c.active ? "✔" : "✘"}</td>
    <td>${c.permissions.map(label).map(esc).join(", ")}</td><td>${c.emailCategories.map(label).map(esc).join(", ")}</td></tr>`).join("")}</tbody></table>` : `<p>${esc(t("none"))}</p>`}`;
}

// ---- received emails: the list, and the open message beside it ----

async function mailView(search = "") {
  const data = await gql(`query Mail($f: MailFilter) { viewer { account { mail(first: 30, filter: $f) { totalCount edges { node { id subject category queuedAt textBody } } } } } }`, { f: { search: search || null } });
  const edges = data.viewer.account.mail.edges;
  const section = document.createElement("section");
  section.innerHTML = `<h2>${esc(t("navMail"))}</h2>`;
  section.append(form(`${field("search", "search", "search", search)}<button id="mail-search">${esc(t("search"))}</button>`, async ({ search: words }) => mailView(words)));
  const layout = document.createElement("div");
  layout.className = "mail-layout";
  const list = document.createElement("table");
  list.innerHTML = edges.length ? `<tbody>${edges.map(({ node: m }, n) => `<tr class="mail"><td>${esc(new Date(m.queuedAt).toLocaleString(lang))}</td>
    <td>${esc(m.subject || t("noSubject"))}</td><td><button type="button" data-open="${n}">${esc(t("view"))}</button></td></tr>`).join("")}</tbody>`
    : `<tbody><tr><td>${esc(t("none"))}</td></tr></tbody>`;
  const panel = document.createElement("section");
  panel.id = "mail-panel";
  panel.tabIndex = -1;
  panel.setAttribute("aria-live", "polite");
  panel.innerHTML = `<p>${esc(t("chooseMessage"))}</p>`;
  list.addEventListener("click", (event) => {
    const n = event.target.dataset?.open;
    if (n === undefined) return;
    clearMessages();
    const m = edges[Number(n)].node;
    panel.innerHTML = `<h3 id="mail-subject">${esc(m.subject || t("noSubject"))}</h3><p><small>${esc(t("sent"))}: ${esc(new Date(m.queuedAt).toLocaleString(lang))}</small></p>`;
    const reader = document.createElement("pre");
    reader.id = "mail-reader";
    reader.textContent = m.textBody;
    panel.append(reader);
    panel.scrollIntoView({ block: "nearest" });
    panel.focus({ preventScroll: true });
  });
  layout.append(list, panel);
  section.append(layout);
  view().replaceChildren(section);
}

// ---- security: password with meter, PIN, sessions, history ----

function passwordForm(onChanged) {
  const element = form(
    `<h3>${esc(t("changePassword"))}</h3>${field("currentPassword", "currentPassword", "password")}${field("newPassword", "newPassword", "password")}
     <div>${esc(t("strength"))}: <span id="strength-text">-</span><div class="meter"><span id="strength-bar" style="width:0"></span></div></div>
     <button id="password-submit">${esc(t("changePassword"))}</button>`,
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
async function securityView() {
  const data = await gql(may("SECURITY")
    ? `query Security { viewer { account { sessions { id current createdAt ipAddress userAgent } activity(first: 20) { edges { node { at actor summary } } } } } }`
    : `query Sessions { viewer { account { sessions { id current createdAt ipAddress userAgent } } } }`);
  const { sessions, activity } = data.viewer.account;
  const section = document.createElement("section");
  section.innerHTML = `<h2>${esc(t("navSecurity"))}</h2>`;
  section.append(passwordForm(securityView));
  if (me.holder && may("SECURITY")) {
    section.append(form(`${field("currentPassword", "currentPassword", "password")}${field("pin", "pin", "password")}<button id="pin-submit">${esc(t("setPin"))}</button>`,
      async ({ currentPassword, pin }, _, submitter) => {
        const payload = await withStepUp(async () => (await gql(`mutation Pin($i: SecurityPinSetInput!) { securityPinSet(input: $i) { errors { code message } } }`, { i: { currentPassword, pin } })).securityPinSet, currentPassword);
        if (!payloadErrors(payload, submitter)) say(submitter, t("pinSaved"));
      }));
  }
  const list = document.createElement("div");
  list.innerHTML = `<h3 id="sessions-title">${esc(t("sessions"))}</h3><table><tbody>${sessions.map((s) => `<tr class="session"><td>${esc(new Date(s.createdAt).toLocaleString(lang))}</td>
    <td>${esc(s.ipAddress)} ${esc(s.userAgent)}</td><td>${s.current ? esc(t("current")) : `<button type="button" data-revoke="${esc(s.id)}">${esc(t("close"))}</button>`}</td></tr>`).join("")}</tbody></table>
    ${activity ? `<h3>${esc(t("activity"))}</h3><table><tbody>${activity.edges.map(({ node: e }) => `<tr class="event"><td>${esc(new Date(e.at).toLocaleString(lang))}</td>
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

// ---- home: what this person may do here ----

function homeView(viewer) {
  const name = viewer.contact ? `${viewer.contact.firstName} ${viewer.contact.lastName}`.trim() : `${t("clientNumber")} ${viewer.account.clientNumber}`;
  const item = (href, key) => `<li><a href="#${href}">${esc(t(key))}</a></li>`;
  const granted = [
    may("PROFILE") && item("holder", "mayProfile"),
    may("SERVICES") && item("services", "mayServices"),
    may("MANAGE_SERVICES") && (may("SERVICES") ? item("services", "mayManage") : `<li>${esc(t("mayManageBlind"))}</li>`),
    may("CONTACTS") && item("contacts", "mayContacts"),
    item("mail", may("MAIL") ? "mayMailAll" : "mayMailOwn"),
    may("SECURITY") && item("security", "maySecurity"),
    me.holder && may("SECURITY") && item("security", "mayPin"),
    item("security", "alwaysYours"),
  ].filter(Boolean);
  const missing = [
    !may("PROFILE") && "mayProfile", !may("SERVICES") && "mayServices", !may("MANAGE_SERVICES") && "mayManage",
    !may("CONTACTS") && "mayContacts", !may("MAIL") && "mayMailAll", !may("SECURITY") && "maySecurity",
  ].filter(Boolean);
  view().innerHTML = `<section id="home"><h2>${esc(t("hello").replace("{name}", name))}</h2><p>${esc(t("youMay"))}</p>
    <ul class="home-list" id="may-list">${granted.join("")}</ul>
    ${missing.length ? `<p>${esc(t("notGranted"))}</p><ul class="home-list" id="not-granted">${missing.map((key) => `<li>${esc(t(key))}</li>`).join("")}</ul>` : ""}</section>`;
}

// ---- routing ----

// Each screen and the permission it needs (null: everyone signed in).
const VIEWS = {
  home: [null, homeView], holder: ["PROFILE", holderView], services: ["SERVICES", servicesView],
  contacts: ["CONTACTS", contactsView], mail: [null, () => mailView()], security: [null, securityView],
};

function showMenu(signedIn) {
  $("#menu").hidden = !signedIn;
  $("#signout").hidden = !signedIn;
  document.querySelectorAll("#menu a").forEach((link) => {
    link.hidden = Boolean(link.dataset.needs) && !may(link.dataset.needs);
    if (link.getAttribute("href") === location.hash) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  });
}

async function route() {
  const params = new URLSearchParams(location.search);
  const signedOutPage = { "/recuperar": recoveryConfirmView, "/invitacion": invitationView, "/confirmar-email": emailConfirmView }[location.pathname];
  if (signedOutPage && params.get("token")) { showMenu(false); return signedOutPage(params.get("token")); }
  // Only what is always readable: the permissions say what else to ask for.
  const { viewer } = await gql(`query Viewer { viewer { mustChangePassword permissions account { clientNumber } contact { firstName lastName email } } }`);
  me = { permissions: viewer?.permissions || [], holder: Boolean(viewer && !viewer.contact) };
  $("#who").textContent = viewer ? (viewer.contact?.email || `${t("clientNumber")} ${viewer.account.clientNumber}`) : "";
  if (!viewer) { showMenu(false); return location.hash === "#recover" ? recoveryView() : signInView(); }
  if (viewer.mustChangePassword) {
    showMenu(false);
    $("#signout").hidden = false;
    view().replaceChildren(passwordForm(route));
    return flash(t("mustChange"), "warning");
  }
  const chosen = VIEWS[location.hash.slice(1)];
  const [needs, show] = chosen && (!chosen[0] || may(chosen[0])) ? chosen : (may("PROFILE") ? VIEWS.holder : VIEWS.home);
  showMenu(true);
  return needs === null ? show(viewer) : show();
}

function translateStatic() {
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-t]").forEach((element) => { element.textContent = t(element.dataset.t); });
  $("#lang").textContent = lang === "es" ? "English" : "Español";
}

// Another screen: the messages of the last one go.
const navigate = () => { clearMessages(); return route().catch((error) => flash(error.message, "error")); };

$("#lang").addEventListener("click", async () => {
  lang = lang === "es" ? "en" : "es";
  localStorage.setItem("lang", lang);
  translateStatic();
  await navigate();
});
$("#signout").addEventListener("click", async () => {
  await gql(`mutation SignOut { signOut { errors { message } } }`);
  if (live) live.close();
  location.hash = "";
  await navigate();
});
window.addEventListener("hashchange", navigate);
translateStatic();
route().catch((error) => flash(error.message, "error"));
