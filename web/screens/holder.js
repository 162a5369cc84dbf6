// The account holder's data (seed 000): what may be updated here, with the email change confirmed by link.
import { gql, withStepUp } from "../lib/api.js";
import { texts } from "../lib/i18n.js";
import { esc, field, form, payloadErrors, say, view } from "../lib/ui.js";

const t = texts({
  es: {
    update: "Actualizar datos", company: "Empresa", phone: "Teléfono", street: "Calle y número", neighborhood: "Barrio / colonia",
    city: "Ciudad", state: "Provincia / estado", postalCode: "Código postal", country: "País (AR, MX...)", saved: "Datos guardados.",
    emailPending: "Le enviamos un enlace a {email}: el email cambiará cuando lo abra. Hasta entonces todo sigue llegando a la dirección actual.",
  },
  en: {
    update: "Update data", company: "Company", phone: "Phone", street: "Street and number", neighborhood: "Neighbourhood",
    city: "City", state: "State / province", postalCode: "Postal code", country: "Country (AR, MX...)", saved: "Saved.",
    emailPending: "We sent a link to {email}: your email changes when you open it. Until then everything keeps going to the current address.",
  },
});

const HOLDER = `query Holder { viewer { account { holder { firstName lastName companyName email phone language version
  nationalId { formatted } taxId { formatted } address { street neighborhood city state postalCode countryCode } } } } }`;

export async function holderView() {
  const h = (await gql(HOLDER)).viewer.account.holder;
  const a = h.address || {};
  const section = document.createElement("section");
  section.innerHTML = `<h2>${t("navHolder")}</h2><p id="holder-name">${esc(h.firstName)} ${esc(h.lastName)}
    ${h.nationalId ? `· ${esc(h.nationalId.formatted)}` : ""} ${h.taxId ? `· ${esc(h.taxId.formatted)}` : ""}</p>`;
  section.append(form(
    `<h3>${t("update")}</h3>${field(t, "companyName", "company", "text", h.companyName)}${field(t, "email", "email", "email", h.email)}
     ${field(t, "phone", "phone", "tel", h.phone)}${field(t, "street", "street", "text", a.street)}${field(t, "neighborhood", "neighborhood", "text", a.neighborhood)}
     ${field(t, "city", "city", "text", a.city)}${field(t, "state", "state", "text", a.state)}${field(t, "postalCode", "postalCode", "text", a.postalCode)}
     ${field(t, "countryCode", "country", "text", a.countryCode)}<button id="holder-save">${t("update")}</button>`,
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
