// The account's contacts (sub-accounts, seed 004 5.1): choose one from the list or add one; their data, access,
// permissions and the emails they receive, "Guardar Cambios"; invitations and deletion.
// Only what the viewer may do is offered, mirroring domain/contacts.py: acting on a contact needs every permission
// it holds, and only permissions the viewer holds can be granted. Nobody is offered to end or narrow their own access
// here (the holder does that), so the screen never pulls the ground from under the person using it.
import { gql, withStepUp } from "../lib/api.js";
import { countries } from "../lib/branding.js";
import { label, lang, texts } from "../lib/i18n.js";
import { may, me } from "../lib/session.js";
import { button, esc, form, payloadErrors, say, view } from "../lib/ui.js";

const t = texts({
  es: {
    title: "Contactos/Sub-cuentas", add: "Agregar contacto", none: "Todavía no agregó contactos.",
    intro: "Los contactos (cuentas secundarias) dan acceso a otras personas a su zona de clientes: por ejemplo, para avisar de un pago o pedir soporte técnico cuando usted no está disponible.",
    name: "Nombre", access: "Acceso", permissions: "Permisos", categories: "Emails que recibe", actions: "Acciones",
    edit: "Editar", editWho: "Editar a {name}", gone: "Ese contacto ya no existe: alguien lo eliminó.", you: "(usted)", nothing: "Ninguno",
    active: "Activo", inactive: "Inactivo", pending: "Invitación pendiente",
    notYours: "Solo puede editarlo quien tenga también estos permisos: {permissions}.",
    editing: "Editar contacto: {name}", adding: "Agregar contacto", required: "(obligatorio)",
    personal: "Datos del contacto", firstName: "Nombre", lastName: "Apellido", company: "Compañía",
    emailField: "Dirección Email", emailHint: "Es el correo con el que esta persona ingresará a la zona de clientes.",
    phone: "Número de teléfono", phoneHint: "Si hace falta ubicar a esta persona, será la segunda forma de comunicarnos.",
    address: "Dirección", addressHint: "Opcional; si la completa, indique al menos calle, ciudad, código postal y país.",
    street: "Calle y número", neighborhood: "Colonia / barrio", city: "Ciudad", state: "Estado / provincia",
    postalCode: "Código postal", country: "País", noCountry: "Elija un país",
    activeLabel: "Acceso a la zona de clientes activo",
    activeHint: "Marque la casilla para activar el acceso de esta persona; desmárquela para desactivarlo (no podrá ingresar ni recibirá emails).",
    inviteHint: "Al guardar le enviaremos un email para que elija su clave.",
    selfActive: "No puede quitarse su propio acceso: puede hacerlo el titular.",
    selfPermissions: "Sus propios permisos los cambia el titular.",
    language: "Idioma de sus emails", es: "Español", en: "English",
    permissionsHint: "Lo que esta persona puede hacer en la zona de clientes.",
    notHeld: "Solo puede dar los permisos que usted tiene.",
    categoriesHint: "Con el acceso activo, recibe una copia de los emails de estas categorías.",
    PROFILE: "Ver y actualizar los datos del titular de la cuenta.",
    CONTACTS: "Agregar, editar y eliminar contactos, con los permisos que él mismo tenga.",
    SERVICES: "Ver los servicios contratados y el estado de sus bajas.",
    MANAGE_SERVICES: "Solicitar, confirmar y retirar bajas de servicios.",
    MAIL: "Ver todos los emails enviados a la cuenta y reenviarlos (sin este permiso ve solo los que le enviamos a él).",
    SECURITY: "Ver el historial de movimientos de la cuenta y dar acceso a integraciones.",
    GENERAL: "Nuestras notificaciones y avisos, así como los datos de acceso de cualquier servicio.",
    PRODUCTS: "Los datos de los productos contratados, como notas por pagar.",
    DOMAINS: "Avisos de las próximas renovaciones de sus servicios, confirmaciones de registros nuevos y demás.",
    NOTES: "Recordatorios comerciales y promociones.",
    SUPPORT: "Avisos de respuestas a cualquier ticket abierto o pendiente de cualquier departamento.",
    save: "Guardar Cambios", saved: "Cambios guardados.", created: "Contacto agregado.",
    invited: "Le enviamos a {email} una invitación para que elija su clave (el enlace vale 7 días).",
    ownEmail: "Le enviamos un enlace a {email}: su email cambiará cuando lo abra.",
    notSaved: "No se guardaron los cambios. Revise: {fields}.",
    statePending: "Invitación pendiente: todavía no eligió su clave.",
    stateInactive: "Acceso desactivado: no puede ingresar ni recibe emails.",
    stateInactivePending: "Acceso desactivado. Cuando lo active le enviaremos una invitación para que elija su clave.",
    resend: "Reenviar invitación", resent: "Le enviamos una nueva invitación a {email}; el enlace anterior ya no sirve.",
    remove: "Eliminar contacto", yesRemove: "Sí, eliminar", cancel: "Cancelar",
    confirmRemove: "¿Eliminar a {name}? Perderá el acceso de inmediato y no se puede deshacer.",
    removed: "Contacto {name} eliminado.",
    twoStep: "Verificación en dos pasos", twoStepYes: "Activa", twoStepNo: "No activa",
    ruleLabel: "Exigir la verificación en dos pasos a todos los contactos",
    ruleHint: "Un contacto sin verificación en dos pasos solo podrá activarla al ingresar, y sus tokens de API dejarán de funcionar hasta que lo haga.",
    ruleOn: "Ahora todos los contactos deben usar la verificación en dos pasos.", ruleOff: "La verificación en dos pasos ya no es obligatoria para los contactos.",
    resetFactor: "Restablecer verificación en dos pasos", resetWho: "Restablecer verificación en dos pasos de {name}",
    confirmReset: "¿Restablecer la verificación en dos pasos de {name}? Se quitan su aplicación de autenticación, sus códigos de recuperación y sus llaves de acceso, y se cierran sus sesiones. Úselo si la persona los perdió.",
    yesReset: "Sí, restablecer", resetDone: "Se restableció la verificación en dos pasos de {name}: le avisamos por email.",
  },
  en: {
    title: "Contacts/Sub-accounts", add: "Add contact", none: "You have not added any contacts yet.",
    intro: "Contacts (secondary accounts) give other people access to your client area: for example to report a payment or ask for technical support when you are not available.",
    name: "Name", access: "Access", permissions: "Permissions", categories: "Emails received", actions: "Actions",
    edit: "Edit", editWho: "Edit {name}", gone: "That contact no longer exists: someone deleted it.", you: "(you)", nothing: "None",
    active: "Active", inactive: "Inactive", pending: "Invitation pending",
    notYours: "Only someone who also holds these permissions can edit them: {permissions}.",
    editing: "Edit contact: {name}", adding: "Add contact", required: "(required)",
    personal: "Contact details", firstName: "First name", lastName: "Last name", company: "Company",
    emailField: "Email address", emailHint: "The address this person signs in to the client area with.",
    phone: "Phone number", phoneHint: "If this person needs to be reached, the second way to contact them.",
    address: "Address", addressHint: "Optional; if you fill it in, give at least street, city, postal code and country.",
    street: "Street and number", neighborhood: "Neighbourhood", city: "City", state: "State / province",
    postalCode: "Postal code", country: "Country", noCountry: "Choose a country",
    activeLabel: "Access to the client area active",
    activeHint: "Tick the box to turn this person's access on; untick it to turn it off (they cannot sign in or receive emails).",
    inviteHint: "When you save, we email them to choose a password.",
    selfActive: "You cannot turn off your own access: the holder can.",
    selfPermissions: "The holder changes your own permissions.",
    language: "Language of their emails", es: "Español", en: "English",
    permissionsHint: "What this person may do in the client area.",
    notHeld: "You can only give permissions you hold.",
    categoriesHint: "While their access is active, they receive a copy of the emails in these categories.",
    PROFILE: "See and update the account holder's data.",
    CONTACTS: "Add, edit and delete contacts, with the permissions they hold themselves.",
    SERVICES: "See the services and the state of their cancellations.",
    MANAGE_SERVICES: "Request, confirm and withdraw service cancellations.",
    MAIL: "See every email sent to the account and resend them (without it, only those sent to them).",
    SECURITY: "See the account's history and give integrations access.",
    GENERAL: "Our notices and announcements, and the access details of any service.",
    PRODUCTS: "Details of the products ordered, such as bills to pay.",
    DOMAINS: "Notices of upcoming renewals of your services, confirmations of new registrations and the like.",
    NOTES: "Commercial reminders and promotions.",
    SUPPORT: "Notices of replies to any open or pending ticket in any department.",
    save: "Save changes", saved: "Changes saved.", created: "Contact added.",
    invited: "We emailed {email} an invitation to choose a password (the link is valid for 7 days).",
    ownEmail: "We sent a link to {email}: your email changes when you open it.",
    notSaved: "The changes were not saved. Check: {fields}.",
    statePending: "Invitation pending: they have not chosen a password yet.",
    stateInactive: "Access turned off: they cannot sign in and receive no email.",
    stateInactivePending: "Access turned off. When you turn it on we will email them an invitation to choose a password.",
    resend: "Resend invitation", resent: "We sent {email} a new invitation; the previous link no longer works.",
    remove: "Delete contact", yesRemove: "Yes, delete", cancel: "Cancel",
    confirmRemove: "Delete {name}? They lose access at once, and this cannot be undone.",
    removed: "Contact {name} deleted.",
    twoStep: "Two-step verification", twoStepYes: "On", twoStepNo: "Off",
    ruleLabel: "Require two-step verification of every contact",
    ruleHint: "A contact without two-step verification can only turn it on after signing in, and their API tokens stop working until they do.",
    ruleOn: "Every contact must now use two-step verification.", ruleOff: "Two-step verification is no longer required of contacts.",
    resetFactor: "Reset two-step verification", resetWho: "Reset two-step verification of {name}",
    confirmReset: "Reset the two-step verification of {name}? Their authenticator app, recovery codes and passkeys are removed and their sessions end. Use it when the person lost them.",
    yesReset: "Yes, reset", resetDone: "The two-step verification of {name} was reset: we told them by email.",
  },
});

const PERMISSIONS = ["PROFILE", "CONTACTS", "SERVICES", "MANAGE_SERVICES", "MAIL", "SECURITY"];
const CATEGORIES = ["GENERAL", "PRODUCTS", "DOMAINS", "NOTES", "SUPPORT"];
const TEXTS = ["firstName", "lastName", "companyName", "email", "phone"];
const ADDRESS = ["street", "neighborhood", "city", "state", "postalCode", "countryCode"];
// Sent as "" when left empty, so that the API answers REQUIRED next to the field (null is not a string to it).
const REQUIRED = new Set(["firstName", "lastName", "email", "street", "city", "postalCode", "countryCode"]);

const FIELDS = `id firstName lastName companyName email phone active permissions emailCategories language invitationPending
  hasSecondFactor version address { street neighborhood city state postalCode countryCode }`;
const CONTACTS = `query Contacts($after: String) { viewer { contact { id } account { contactsNeedSecondFactor contacts(first: 100, after: $after) {
  pageInfo { hasNextPage endCursor } edges { node { ${FIELDS} } } } } } }`;
const CREATE = `mutation ContactCreate($i: ContactCreateInput!) { contactCreate(input: $i) { contact { ${FIELDS} } errors { code field message } } }`;
const UPDATE = `mutation ContactUpdate($i: ContactUpdateInput!) { contactUpdate(input: $i) { contact { ${FIELDS} } errors { code field message } } }`;
const DELETE = `mutation ContactDelete($i: ContactDeleteInput!) { contactDelete(input: $i) { errors { code field message } } }`;
const RULE_SET = `mutation AccountSecondFactorRuleSet($i: AccountSecondFactorRuleSetInput!) { accountSecondFactorRuleSet(input: $i) {
  contactsNeedSecondFactor errors { code field message } } }`;
const FACTOR_RESET = `mutation ContactSecondFactorReset($i: ContactSecondFactorResetInput!) { contactSecondFactorReset(input: $i) {
  errors { code field message } } }`;
const RESEND = `mutation ContactInvitationResend($i: ContactInvitationResendInput!) { contactInvitationResend(input: $i) { errors { code field message } } }`;

// What the screen shows: the account's contacts, who is looking, and the countries an address may name.
const state = { contacts: [], selfId: null, countries: [], rule: false };

const fullName = (c) => `${c.firstName} ${c.lastName}`.trim();
const unheld = (c) => c.permissions.filter((p) => !may(p));

async function load() {
  const countryList = countries();
  const contacts = [];
  let after = null;
  do {
    const { viewer } = await gql(CONTACTS, { after });
    const page = viewer.account.contacts;
    contacts.push(...page.edges.map((edge) => edge.node));
    state.selfId = viewer.contact?.id ?? null;
    state.rule = viewer.account.contactsNeedSecondFactor;
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  state.contacts = contacts;
  state.countries = await countryList;
}

export async function contactsView() {
  await load();
  render(null);
}

// The list, and the editor of `chosen` (a contact, "new", or null for none).
function render(chosen) {
  const section = document.createElement("section");
  section.id = "contacts";
  section.innerHTML = `<h2 id="contacts-title">${t("title")}</h2><p class="contacts-intro">${t("intro")}</p>
    ${state.contacts.length ? listHtml() : `<p>${t("none")}</p>`}`;
  section.querySelector(".contacts-intro").after(button(t("add"), "contact-add", () => choose("new")));
  if (me.holder) section.querySelector(".contact-add").after(ruleToggle());
  section.querySelectorAll("tr.contact").forEach((row) => {
    const contact = state.contacts.find((c) => c.id === row.dataset.contact);
    if (!unheld(contact).length) row.querySelector(".contact-actions").append(editButton(contact));
    if (me.holder && contact.hasSecondFactor) row.querySelector(".contact-actions").append(factorResetButton(contact));
    row.classList.toggle("contact-chosen", contact === chosen);
  });
  if (chosen) section.append(editor(chosen === "new" ? null : chosen));
  view().replaceChildren(section);
}

// The holder's rule (issue 23): every contact must use two-step verification. Changing it needs step-up.
function ruleToggle() {
  const element = document.createElement("div");
  element.className = "contact-check contacts-rule";
  element.innerHTML = `<input type="checkbox" id="contacts-rule"${state.rule ? " checked" : ""} aria-describedby="contacts-rule-hint">
    <label for="contacts-rule">${esc(t("ruleLabel"))}</label><p class="contact-hint" id="contacts-rule-hint">${esc(t("ruleHint"))}</p>`;
  const box = element.querySelector("input");
  box.addEventListener("change", async () => {
    const wanted = box.checked;
    const send = async () => (await gql(RULE_SET, { i: { required: wanted } })).accountSecondFactorRuleSet;
    const payload = await withStepUp(send);
    if (payloadErrors(payload, element)) {
      box.checked = state.rule;
      return;
    }
    state.rule = payload.contactsNeedSecondFactor;
    say(element, t(state.rule ? "ruleOn" : "ruleOff"));
  });
  return element;
}

// The holder resets the factors a contact lost (asked first: it signs the contact out).
function factorResetButton(contact) {
  const name = fullName(contact);
  const reset = button(t("resetFactor"), "contact-factor-reset", () => {
    const confirm = document.createElement("div");
    confirm.className = "contact-confirm";
    confirm.setAttribute("role", "group");
    confirm.innerHTML = `<p>${esc(t("confirmReset", { name }))}</p>`;
    const yes = button(t("yesReset"), "contact-factor-reset-yes", async () => {
      const send = async () => (await gql(FACTOR_RESET, { i: { contactId: contact.id } })).contactSecondFactorReset;
      if (payloadErrors(await withStepUp(send), yes)) return;
      await load();
      render(null);
      say("#contacts-title", t("resetDone", { name }));
    });
    const no = button(t("cancel"), "contact-factor-reset-no", () => { confirm.remove(); reset.focus(); });
    confirm.append(yes, no);
    reset.after(confirm);
    yes.focus();
  });
  reset.setAttribute("aria-label", t("resetWho", { name }));
  return reset;
}

function choose(chosen) {
  render(chosen);
  if (!chosen) return;
  const heading = document.querySelector("#contact-editor-title");
  heading.focus({ preventScroll: true });
  heading.scrollIntoView({ block: "start" });
}

// Editing starts from the contact as stored now (someone else may have changed it since the list was read).
function editButton(contact) {
  const edit = button(t("edit"), "contact-edit", async () => {
    await load();
    const current = state.contacts.find((c) => c.id === contact.id);
    if (current) return choose(current);
    render(null);
    return say(".contact-add", t("gone"), "error");
  });
  edit.setAttribute("aria-label", t("editWho", { name: fullName(contact) }));
  return edit;
}

const accessText = (c) => (!c.active ? t("inactive") : c.invitationPending ? t("pending") : t("active"));
// A long address wraps after its @ and dots, not in the middle of a word.
const breakable = (email) => esc(email).replace(/[@.]/g, "$&<wbr>");
const words = (codes) => (codes.length ? codes.map(label).map(esc).join(", ") : t("nothing"));

function listHtml() {
  const cell = (key, html) => `<td data-label="${esc(t(key))}">${html}</td>`;
  const rows = state.contacts.map((c) => `<tr class="contact" data-contact="${esc(c.id)}">
    ${cell("name", `<strong>${esc(fullName(c))}</strong>${c.id === state.selfId ? ` ${t("you")}` : ""}${c.companyName ? `<br>${esc(c.companyName)}` : ""}`)}
    ${cell("email", breakable(c.email))}${cell("access", `<span class="contact-access">${accessText(c)}</span>`)}
    ${cell("permissions", words(c.permissions))}${cell("categories", words(c.emailCategories))}
    ${cell("twoStep", `<span class="contact-two-step">${t(c.hasSecondFactor ? "twoStepYes" : "twoStepNo")}</span>`)}
    <td class="contact-actions">${unheld(c).length ? `<p class="contact-hint">${esc(t("notYours", { permissions: unheld(c).map(label).join(", ") }))}</p>` : ""}</td></tr>`);
  return `<table class="contact-table"><thead><tr><th scope="col">${t("name")}</th><th scope="col">${t("email")}</th>
    <th scope="col">${t("access")}</th><th scope="col">${t("permissions")}</th><th scope="col">${t("categories")}</th>
    <th scope="col">${t("twoStep")}</th><th scope="col"><span class="contacts-sr">${t("actions")}</span></th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

// A labelled text input, with its hint; errors are added next to it (fieldError).
function input(name, key, value, { type = "text", required = false, hint = null } = {}) {
  const id = `contact-${name}`;
  return `<div class="contact-field"><label for="${id}">${esc(t(key))}${required ? ` <span class="contact-required">${t("required")}</span>` : ""}</label>
    <input id="${id}" name="${name}" type="${type}" value="${esc(value ?? "")}"${required ? ` aria-required="true"` : ""}${hint ? ` aria-describedby="${id}-hint"` : ""}>
    ${hint ? `<p class="contact-hint" id="${id}-hint">${esc(t(hint))}</p>` : ""}</div>`;
}

function countrySelect(value) {
  const options = state.countries.map((c) => `<option value="${esc(c.code)}"${c.code === value ? " selected" : ""}>${esc(c.name)}</option>`);
  return `<div class="contact-field"><label for="contact-countryCode">${t("country")}</label><select id="contact-countryCode" name="countryCode">
    <option value="">${t("noCountry")}</option>${options.join("")}</select></div>`;
}

// A checkbox with what it means; `why` says why it cannot be changed, when it cannot.
function checkbox(name, code, { checked, why = "", caption = label(code), meaning = t(code) }) {
  const id = `contact-${name}-${code}`;
  return `<div class="contact-check"><input type="checkbox" id="${id}" name="${name}" value="${code}"${checked ? " checked" : ""}${why ? " disabled" : ""}
    aria-describedby="${id}-hint"><label for="${id}">${esc(caption)}</label>
    <p class="contact-hint" id="${id}-hint">${esc(meaning)}${why ? ` <em>${esc(why)}</em>` : ""}</p></div>`;
}

function editor(contact) {
  const c = contact || { active: true, permissions: [], emailCategories: [], language: lang.toUpperCase(), address: null };
  const self = contact?.id === state.selfId;
  const a = c.address || {};
  const section = document.createElement("section");
  section.id = "contact-editor";
  section.setAttribute("aria-labelledby", "contact-editor-title");
  section.innerHTML = `<h3 id="contact-editor-title" tabindex="-1">${contact ? esc(t("editing", { name: fullName(contact) })) : t("adding")}</h3>
    ${contact ? stateNote(contact) : ""}`;
  const editorForm = form(`<fieldset><legend>${t("personal")}</legend>
      ${input("firstName", "firstName", c.firstName, { required: true })}${input("lastName", "lastName", c.lastName, { required: true })}
      ${input("companyName", "company", c.companyName)}${input("email", "emailField", c.email, { type: "email", required: true, hint: "emailHint" })}
      ${input("phone", "phone", c.phone, { type: "tel", hint: "phoneHint" })}</fieldset>
    <fieldset id="contact-address" aria-describedby="contact-address-hint"><legend>${t("address")}</legend>
      <p class="contact-hint" id="contact-address-hint">${t("addressHint")}</p>
      ${input("street", "street", a.street)}${input("neighborhood", "neighborhood", a.neighborhood)}${input("city", "city", a.city)}
      ${input("state", "state", a.state)}${input("postalCode", "postalCode", a.postalCode)}${countrySelect(a.countryCode)}</fieldset>
    <fieldset id="contact-access"><legend>${t("access")}</legend>
      ${checkbox("active", "on", { checked: c.active, why: self ? t("selfActive") : "", caption: t("activeLabel"),
        meaning: `${t("activeHint")}${contact ? "" : ` ${t("inviteHint")}`}` })}
      <div class="contact-field"><label for="contact-language">${t("language")}</label><select id="contact-language" name="language">
        ${["ES", "EN"].map((code) => `<option value="${code}"${c.language === code ? " selected" : ""}>${t(code.toLowerCase())}</option>`).join("")}</select></div></fieldset>
    <fieldset id="contact-permissions" aria-describedby="contact-permissions-hint"><legend>${t("permissions")}</legend>
      <p class="contact-hint" id="contact-permissions-hint">${t("permissionsHint")}</p>
      ${PERMISSIONS.map((p) => checkbox("permissions", p, { checked: c.permissions.includes(p), why: self ? t("selfPermissions") : may(p) ? "" : t("notHeld") })).join("")}</fieldset>
    <fieldset id="contact-emailCategories" aria-describedby="contact-emailCategories-hint"><legend>${t("categories")}</legend>
      <p class="contact-hint" id="contact-emailCategories-hint">${t("categoriesHint")}</p>
      ${CATEGORIES.map((code) => checkbox("emailCategories", code, { checked: c.emailCategories.includes(code), caption: `Emails ${label(code)}` })).join("")}</fieldset>
    <div class="contact-buttons"><button id="contact-save">${t("save")}</button></div>`,
  (_, element, submitter) => save(contact, element, submitter));
  editorForm.id = "contact-form";
  editorForm.noValidate = true;
  editorForm.autocomplete = "off";
  section.append(editorForm);
  if (contact) section.append(otherActions(contact, self));
  return section;
}

function stateNote(c) {
  const key = !c.active ? (c.invitationPending ? "stateInactivePending" : "stateInactive") : c.invitationPending ? "statePending" : null;
  return key ? `<p class="contact-status" id="contact-status">${t(key)}</p>` : "";
}

// What the form says now, as an input: everything for a new contact, only what changed for an existing one.
function inputFrom(element, contact) {
  const value = (name) => element.elements[name].value.trim() || (REQUIRED.has(name) ? "" : null);
  const checked = (name) => [...element.querySelectorAll(`[name=${name}]:checked`)].map((box) => box.value);
  const address = ADDRESS.some((name) => value(name)) ? Object.fromEntries(ADDRESS.map((name) => [name, value(name)])) : null;
  const given = {
    ...Object.fromEntries(TEXTS.map((name) => [name, value(name)])), address, active: element.elements.active.checked,
    permissions: checked("permissions"), emailCategories: checked("emailCategories"), language: element.elements.language.value,
  };
  if (!contact) return given;
  const same = (a, b) => JSON.stringify(Array.isArray(a) ? [...a].sort() : a) === JSON.stringify(Array.isArray(b) ? [...b].sort() : b);
  const stored = { ...contact, address: contact.address && Object.fromEntries(ADDRESS.map((name) => [name, contact.address[name] ?? null])) };
  return Object.fromEntries(Object.entries(given).filter(([name, v]) => !same(v, stored[name] ?? null)));
}

async function save(contact, element, submitter) {
  clearInvalid(element);
  const input = inputFrom(element, contact);
  const send = async () => (contact
    ? (await gql(UPDATE, { i: { id: contact.id, expectedVersion: contact.version, ...input } })).contactUpdate
    : (await gql(CREATE, { i: input })).contactCreate);
  const payload = await withStepUp(send);
  if (payload.errors.length) return showErrors(element, payload.errors, submitter);
  const saved = payload.contact;
  await load();
  choose(state.contacts.find((c) => c.id === saved.id) || null);
  document.querySelector("#contact-save")?.focus({ preventScroll: true });
  say("#contact-save", [t(contact ? "saved" : "created"), notice(contact, input, saved)].filter(Boolean).join(" "));
}

// What the save set in motion beyond the data: an invitation, or the link to one's own new address.
function notice(before, input, after) {
  if (before?.id === state.selfId && input.email && after.email !== input.email) return t("ownEmail", { email: input.email });
  const invited = after.active && after.invitationPending && (!before || "email" in input || (input.active && before.invitationPending));
  return invited ? t("invited", { email: after.email }) : "";
}

// Each error next to its field (aria-invalid, aria-describedby); the summary, naming those fields, next to the button.
function showErrors(element, errors, submitter) {
  const named = [];
  const general = [];
  for (const error of errors) {
    const name = error.field?.[0] === "input" ? error.field.at(-1) : null;
    const control = name && element.querySelector(`#contact-${CSS.escape(name)}`);
    if (control) named.push(fieldError(control, error.message));
    else general.push(error.message);
  }
  const fields = [...new Set(named)].join(", ");
  say(submitter, [fields ? t("notSaved", { fields }) : "", ...general].filter(Boolean).join(" "), "error");
}

// The error shown under `control`; the name of the field, for the summary.
function fieldError(control, message) {
  const note = document.createElement("p");
  note.className = "msg error contact-field-error";
  note.id = `${control.id}-error`;
  note.textContent = message;
  const group = control.matches("fieldset");
  if (group) control.querySelector("legend").after(note);
  else control.closest(".contact-field").append(note);
  control.dataset.describedby = control.getAttribute("aria-describedby") || "";
  control.setAttribute("aria-describedby", `${control.dataset.describedby} ${note.id}`.trim());
  if (!group) control.setAttribute("aria-invalid", "true");
  const caption = group ? control.querySelector("legend") : control.labels[0].firstChild;
  return caption.textContent.trim();
}

function clearInvalid(element) {
  element.querySelectorAll("[data-describedby]").forEach((control) => {
    if (control.dataset.describedby) control.setAttribute("aria-describedby", control.dataset.describedby);
    else control.removeAttribute("aria-describedby");
    control.removeAttribute("data-describedby");
    control.removeAttribute("aria-invalid");
  });
}

// Resending the invitation and deleting (after a confirmation in the page: Cancelar or Escape keeps the contact);
// never one's own record.
function otherActions(contact, self) {
  const box = document.createElement("div");
  box.className = "contact-buttons contact-more";
  if (contact.active && contact.invitationPending) {
    box.append(button(t("resend"), "contact-resend", async (resend) => {
      const payload = (await gql(RESEND, { i: { id: contact.id } })).contactInvitationResend;
      if (!payloadErrors(payload, resend)) say(resend, t("resent", { email: contact.email }));
    }));
  }
  if (self) return box;
  const name = fullName(contact);
  const confirm = document.createElement("div");
  confirm.className = "contact-confirm";
  confirm.id = "contact-remove-confirm";
  confirm.hidden = true;
  confirm.setAttribute("role", "group");
  confirm.setAttribute("aria-labelledby", "contact-remove-question");
  confirm.innerHTML = `<p id="contact-remove-question">${esc(t("confirmRemove", { name }))}</p>`;
  const keep = () => {
    confirm.hidden = true;
    remove.focus();
  };
  const remove = button(t("remove"), "contact-remove contact-danger", () => {
    confirm.hidden = false;
    confirm.querySelector(".contact-remove-no").focus();
  });
  confirm.append(
    button(t("yesRemove"), "contact-remove-yes contact-danger", async (yes) => {
      const payload = (await gql(DELETE, { i: { id: contact.id } })).contactDelete;
      if (payloadErrors(payload, yes)) return;
      await load();
      render(null);
      say(".contact-add", t("removed", { name }));
    }),
    button(t("cancel"), "contact-remove-no", keep),
  );
  confirm.addEventListener("keydown", (event) => { if (event.key === "Escape") keep(); });
  box.append(remove, confirm);
  return box;
}
