// The account holder's data (seed 000 "Datos del titular" > "Actualizar datos" > "Enviar"): the identity fields
// locked, with why and where a change of holder is asked for; the contact data and address that may be updated,
// the country chosen by name; each error next to its field. The email change is confirmed by a link.
import { gql, withStepUp } from "../lib/api.js";
import { countries, linkList, provider, supportContacts } from "../lib/branding.js";
import { texts } from "../lib/i18n.js";
import { me } from "../lib/session.js";
import { esc, form, say, view } from "../lib/ui.js";

const t = texts({
  es: {
    keepCurrent: "Es importante mantener sus datos actualizados en todo momento. {provider} no se responsabiliza por la falta de recepción de avisos de vencimiento u otras notificaciones debido a direcciones de email incorrectas o fuera de funcionamiento.",
    important: "Advertencia:", identity: "Identidad del titular", firstName: "Nombre", lastName: "Apellido",
    lockedWhy: "Estos datos identifican al titular de la cuenta y no se pueden modificar aquí: cambiarlos no cambia la titularidad.",
    changeHolderLink: "Para que otra persona o empresa pase a ser titular, siga el trámite",
    changeHolderSupport: "Para cambiar el titular o corregir estos datos, comuníquese con {provider}.",
    update: "Actualizar datos", contactData: "Datos de contacto", address: "Domicilio",
    company: "Empresa", phone: "Teléfono", phoneHint: "Con código de área, por ejemplo 011 4321-5678.",
    emailHint: "Aquí enviamos avisos de vencimiento, respuestas a tickets y cambios de datos de acceso. Use una dirección de un proveedor externo (Gmail, Outlook, Yahoo…): si su servicio se suspende, no podríamos escribirle a una dirección de su propio dominio.",
    emailHolderOnly: "Solo el titular puede cambiar el email principal.",
    undeliverable: "No podemos entregarle correos a {email}: el servidor que recibe ese correo lo rechaza y los avisos no llegan.",
    undeliverableAct: "Actualice su email aquí abajo.",
    street: "Calle y número", neighborhood: "Barrio / colonia", city: "Ciudad", state: "Provincia / estado",
    postalCode: "Código postal", country: "País", noCountry: "Elija un país",
    addressHint: "Si completa el domicilio, indique al menos calle, ciudad, código postal y país.",
    send: "Enviar", saved: "Datos guardados.", notSaved: "No se guardaron los cambios. Revise: {fields}.",
    emailPending: "Le enviamos un enlace a {email}: el email cambiará cuando lo abra. Hasta entonces todo sigue llegando a la dirección actual.",
    AR_DNI: "DNI", AR_CUIT: "CUIT", AR_CUIL: "CUIL", MX_RFC: "RFC", MX_CURP: "CURP", PASSPORT: "Pasaporte", OTHER: "Documento",
  },
  en: {
    keepCurrent: "Keep your data up to date at all times. {provider} is not responsible for due-date reminders or other notices that do not reach you because an email address is wrong or no longer works.",
    important: "Warning:", identity: "Holder identity", firstName: "First name", lastName: "Last name",
    lockedWhy: "These data identify the account holder and cannot be changed here: changing them does not change the holder.",
    changeHolderLink: "For another person or company to become the holder, follow the procedure",
    changeHolderSupport: "To change the holder or correct these data, contact {provider}.",
    update: "Update data", contactData: "Contact data", address: "Address",
    company: "Company", phone: "Phone", phoneHint: "With the area code, e.g. 011 4321-5678.",
    emailHint: "Due-date reminders, ticket replies and access changes are sent here. Use an address at an outside provider (Gmail, Outlook, Yahoo…): if your service is suspended, we could not write to an address at your own domain.",
    emailHolderOnly: "Only the holder can change the primary email.",
    undeliverable: "We cannot deliver email to {email}: the server that receives that mail refuses it and notices do not arrive.",
    undeliverableAct: "Update your email below.",
    street: "Street and number", neighborhood: "Neighbourhood", city: "City", state: "State / province",
    postalCode: "Postal code", country: "Country", noCountry: "Choose a country",
    addressHint: "If you fill in the address, give at least street, city, postal code and country.",
    send: "Send", saved: "Saved.", notSaved: "Nothing was saved. Check: {fields}.",
    emailPending: "We sent a link to {email}: your email changes when you open it. Until then everything keeps going to the current address.",
    AR_DNI: "DNI", AR_CUIT: "CUIT", AR_CUIL: "CUIL", MX_RFC: "RFC", MX_CURP: "CURP", PASSPORT: "Passport", OTHER: "Identity document",
  },
});

const HOLDER = `query Holder { viewer { account { holder { firstName lastName companyName email emailDeliverable phone version
  nationalId { type formatted } taxId { type formatted } address { street neighborhood city state postalCode countryCode } } } } }`;
const UPDATE = `mutation HolderUpdate($i: HolderUpdateInput!) { holderUpdate(input: $i) { holder { pendingEmail } errors { code field message } warnings { message } } }`;
const SUBDIVISIONS = `query Subdivisions($c: String!) { provider { subdivisions(countryCode: $c) } }`;
const ADDRESS = ["street", "neighborhood", "city", "state", "postalCode", "countryCode"];
// What browsers may fill in for the person (WHATWG autofill names).
const AUTOCOMPLETE = { email: "email", phone: "tel", companyName: "organization", street: "address-line1", neighborhood: "address-line2", city: "address-level2",
  state: "address-level1", postalCode: "postal-code" };

// A locked identity field: labelled, read-only, described by why it is locked.
const locked = (id, caption, value) => `<div class="holder-field"><label for="holder-${id}">${esc(caption)}</label>
  <input id="holder-${id}" value="${esc(value)}" readonly aria-describedby="holder-locked-why"></div>`;

// An editable field; its hint and, after a refused save, its error are tied to it (aria-describedby).
function input(name, key, value, { type = "text", hint = null, readonly = false, list = null, wide = false } = {}) {
  const filled = AUTOCOMPLETE[name] ? ` autocomplete="${AUTOCOMPLETE[name]}"` : "";
  const id = `holder-${name}`;
  const note = hint ? `<p class="holder-hint" id="${id}-hint">${esc(t(hint))}</p>` : "";
  return `<div class="holder-field${wide ? " holder-wide" : ""}"><label for="${id}">${esc(t(key))}</label><input id="${id}" name="${name}" type="${type}"
    value="${esc(value ?? "")}"${filled}${hint ? ` aria-describedby="${id}-hint"` : ""}${readonly ? " readonly" : ""}${list ? ` list="${list}"` : ""}>${note}</div>`;
}

function countrySelect(list, value) {
  const options = list.map((c) => `<option value="${esc(c.code)}"${c.code === value ? " selected" : ""}>${esc(c.name)}</option>`);
  return `<div class="holder-field"><label for="holder-countryCode">${t("country")}</label><select id="holder-countryCode" name="countryCode" autocomplete="country">
    <option value="">${t("noCountry")}</option>${options.join("")}</select></div>`;
}

function identity(h, p) {
  const ids = [h.nationalId, h.taxId].filter(Boolean).map((id, i) => locked(`id${i}`, t(id.type), id.formatted));
  const change = linkList(p, ["changeHolderUrl"])[0];
  const where = change
    ? `${esc(t("changeHolderLink"))} <a href="${esc(change.href)}" id="holder-change-link">${esc(change.text)}</a>.`
    : `${esc(t("changeHolderSupport", { provider: p.name }))} ${supportContacts(p)}`;
  return `<section class="holder-identity" aria-labelledby="holder-identity-title"><h3 id="holder-identity-title">${t("identity")}</h3>
    <div class="holder-grid">${locked("firstName", t("firstName"), h.firstName)}${locked("lastName", t("lastName"), h.lastName)}${ids.join("")}</div>
    <p id="holder-locked-why" class="holder-hint">${esc(t("lockedWhy"))} ${where}</p></section>`;
}

// Mail to the holder's email is refused by its server: the warning, and who can change it.
function undeliverable(h) {
  if (h.emailDeliverable) return "";
  const act = t(me.holder ? "undeliverableAct" : "emailHolderOnly");
  return `<p class="holder-notice" id="holder-undeliverable"><strong>${t("important")}</strong> ${esc(t("undeliverable", { email: h.email }))} ${esc(act)}</p>`;
}

function fields(h, countryList) {
  const a = h.address || {};
  const emailHint = me.holder ? "emailHint" : "emailHolderOnly";
  return `<h3>${t("update")}</h3>
    <fieldset><legend>${t("contactData")}</legend><div class="holder-grid">
      ${input("email", "email", h.email, { type: "email", hint: emailHint, readonly: !me.holder, wide: true })}
      ${input("phone", "phone", h.phone, { type: "tel", hint: "phoneHint" })}${input("companyName", "company", h.companyName)}</div></fieldset>
    <fieldset aria-describedby="holder-address-hint"><legend>${t("address")}</legend><p class="holder-hint" id="holder-address-hint">${t("addressHint")}</p>
      <div class="holder-grid">${input("street", "street", a.street)}${input("neighborhood", "neighborhood", a.neighborhood)}
      ${input("city", "city", a.city)}${input("postalCode", "postalCode", a.postalCode)}
      ${input("state", "state", a.state, { list: "holder-states" })}${countrySelect(countryList, a.countryCode)}</div>
      <datalist id="holder-states"></datalist></fieldset>
    <button id="holder-save">${t("send")}</button>`;
}

// The provinces or states of the chosen country, suggested (the field stays free text).
async function suggestStates(element) {
  const code = element.querySelector("[name=countryCode]").value;
  const names = code ? (await gql(SUBDIVISIONS, { c: code })).provider.subdivisions : [];
  element.querySelector("#holder-states").replaceChildren(...names.map((name) => new Option(name, name)));
}

// Only what changed is sent; a cleared address is removed, a partial one is sent so each gap is named.
function inputOf(values, h) {
  const input = { expectedVersion: h.version, companyName: values.companyName || null, phone: values.phone || null };
  if (me.holder && values.email !== h.email) input.email = values.email;
  if (ADDRESS.some((name) => values[name])) {
    input.address = Object.fromEntries(ADDRESS.map((name) => [name, values[name] || (["neighborhood", "state"].includes(name) ? null : "")]));
  } else if (h.address) input.address = null;
  return input;
}

// Each error next to its field; the summary, naming those fields, next to the button.
function showErrors(element, errors, submitter) {
  const named = [];
  const general = [];
  for (const error of errors) {
    const name = error.field?.[0] === "input" ? error.field.at(-1) : null;
    const control = name && element.querySelector(`[name=${CSS.escape(name)}]`);
    if (!control) { general.push(error.message); continue; }
    const note = say(control.closest(".holder-field").lastElementChild, error.message, "error");
    note.id = `holder-${name}-error`;
    control.setAttribute("aria-invalid", "true");
    control.setAttribute("aria-describedby", `${control.getAttribute("aria-describedby") || ""} ${note.id}`.trim());
    named.push(control.labels[0].textContent);
  }
  const summary = named.length ? t("notSaved", { fields: [...new Set(named)].join(", ") }) : "";
  say(submitter, [summary, ...general].filter(Boolean).join(" "), "error");
}

export async function holderView() {
  const [data, p, countryList] = await Promise.all([gql(HOLDER), provider(), countries()]);
  const h = data.viewer.account.holder;
  const section = document.createElement("section");
  section.id = "holder";
  section.innerHTML = `<h2>${t("navHolder")}</h2><p id="holder-name">${esc(h.firstName)} ${esc(h.lastName)}${h.companyName ? ` · ${esc(h.companyName)}` : ""}</p>
    <p class="holder-notice" id="holder-keep-current"><strong>${t("important")}</strong> ${esc(t("keepCurrent", { provider: p.name }))}</p>
    ${undeliverable(h)}${identity(h, p)}`;
  const editor = form(fields(h, countryList), async (values, element, submitter) => {
    const payload = await withStepUp(async () => (await gql(UPDATE, { i: inputOf(values, h) })).holderUpdate);
    if (payload.errors.length) return showErrors(element, payload.errors, submitter);
    await holderView();
    const pending = payload.holder.pendingEmail;
    const warning = payload.warnings.map((w) => w.message).join(" ");
    const notice = [pending ? t("emailPending", { email: pending }) : "", warning].filter(Boolean).join(" ");
    say("#holder-save", notice || t("saved"), warning ? "warning" : "ok");
  });
  editor.id = "holder-form";
  editor.addEventListener("submit", () => editor.querySelectorAll("[aria-invalid]").forEach(resetInvalid));
  editor.querySelector("[name=countryCode]").addEventListener("change", () => suggestStates(editor).catch((error) => say(editor.querySelector("[name=state]"), error.message, "error")));
  section.append(editor);
  view().replaceChildren(section);
  await suggestStates(editor);
}

// A new attempt: the marks of the last refusal go with its messages.
function resetInvalid(control) {
  control.removeAttribute("aria-invalid");
  const kept = (control.getAttribute("aria-describedby") || "").split(" ").filter((id) => !id.endsWith("-error")).join(" ");
  if (kept) control.setAttribute("aria-describedby", kept);
  else control.removeAttribute("aria-describedby");
}
