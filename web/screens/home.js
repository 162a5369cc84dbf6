// Home: what this person may do here, what needs a permission the holder can give, and the notice of seed 000 (keep
// the data current: the provider is not responsible for notices lost to a wrong or dead email address).
import { gql } from "../lib/api.js";
import { provider } from "../lib/branding.js";
import { texts } from "../lib/i18n.js";
import { may, me } from "../lib/session.js";
import { esc, view } from "../lib/ui.js";

const t = texts({
  es: {
    hello: "Hola, {name}.", youMay: "Con su acceso puede:", notGranted: "Para esto necesita un permiso que puede darle el titular de la cuenta:",
    mayProfile: "Ver y actualizar los datos del titular de la cuenta.", mayServices: "Ver los servicios y el estado de sus bajas.",
    mayManage: "Solicitar, confirmar y retirar bajas de servicios.", mayManageBlind: "Solicitar, confirmar y retirar bajas de servicios (para ver los servicios necesita también el permiso Servicios).",
    mayContacts: "Ver los contactos de la cuenta.", mayMailAll: "Ver todos los emails enviados a la cuenta.",
    mayMailOwn: "Ver los emails que le enviamos a usted.", maySecurity: "Ver el historial de movimientos de la cuenta.",
    mayPin: "Elegir el PIN de seguridad.", alwaysYours: "Cambiar su clave y ver o cerrar sus sesiones abiertas.",
    noticeTitle: "Mantenga sus datos al día",
    notice: "Es importante mantener los datos de la cuenta actualizados en todo momento. {provider} no se responsabiliza por la falta de recepción de avisos de vencimiento u otras notificaciones debido a direcciones de email incorrectas o fuera de funcionamiento.",
    externalEmail: "Le recomendamos usar un email de un proveedor externo (Gmail, Outlook, Yahoo...): si un servicio de la cuenta se suspende, el correo de su propio dominio también puede dejar de funcionar.",
    updateNow: "Revisar y actualizar los datos del titular", askHolder: "Si su email cambia, pida al titular de la cuenta que lo actualice.",
    undeliverableTitle: "Sus correos no llegan",
    undeliverable: "No podemos entregarle correos a {email}: el servidor que recibe su correo lo rechaza. Actualice su email para no perderse avisos de vencimiento ni otras notificaciones.",
    updateEmail: "Actualizar el email en Datos del titular", askHolderNow: "Pida al titular de la cuenta que actualice su email en Contactos.",
  },
  en: {
    hello: "Hello, {name}.", youMay: "With your access you may:", notGranted: "These need a permission the account holder can give you:",
    mayProfile: "See and update the account holder's data.", mayServices: "See the services and the state of their cancellations.",
    mayManage: "Request, confirm and withdraw service cancellations.", mayManageBlind: "Request, confirm and withdraw service cancellations (to see the services you also need the Services permission).",
    mayContacts: "See the account's contacts.", mayMailAll: "See every email sent to the account.",
    mayMailOwn: "See the emails we sent to you.", maySecurity: "See the account's history.",
    mayPin: "Choose the security PIN.", alwaysYours: "Change your password and see or end your open sessions.",
    noticeTitle: "Keep your data up to date",
    notice: "It is important to keep the account's data up to date at all times. {provider} is not responsible for due-date notices or other notifications that do not arrive because an email address is wrong or no longer works.",
    externalEmail: "We recommend an email address at an external provider (Gmail, Outlook, Yahoo...): if a service of the account is suspended, the email of your own domain may stop working too.",
    updateNow: "Review and update the holder's data", askHolder: "If your email changes, ask the account holder to update it.",
    undeliverableTitle: "Your email is not arriving",
    undeliverable: "We cannot deliver email to {email}: the server that receives your mail refuses it. Update your email so that you do not miss due-date reminders and other notices.",
    updateEmail: "Update the email in Holder data", askHolderNow: "Ask the account holder to update your email in Contacts.",
  },
});

// The notice of seed 000, with where to act on it: the holder's data, or the holder for a contact.
function keepCurrent(providerName) {
  const act = may("PROFILE") ? `<a href="#holder">${esc(t("updateNow"))}</a>` : esc(t("askHolder"));
  return `<section class="notice" id="keep-current" aria-labelledby="keep-current-title"><h3 id="keep-current-title">${esc(t("noticeTitle"))}</h3>
    <p>${esc(t("notice").replace("{provider}", providerName))}</p><p>${esc(t("externalEmail"))}</p><p>${act}</p></section>`;
}

// The signed-in person's own address, as the API sees it: the holder's, or the contact's.
const HOLDER_EMAIL = `query HomeHolderEmail { viewer { account { holder { email emailDeliverable } } } }`;
const CONTACT_EMAIL = `query HomeContactEmail { viewer { contact { email emailDeliverable } } }`;

async function ownEmail() {
  const data = await gql(me.holder ? HOLDER_EMAIL : CONTACT_EMAIL);
  return me.holder ? data.viewer.account.holder : data.viewer.contact;
}

// Mail to the person's address is refused by its server: say so first, with where to change it.
function undeliverable({ email, emailDeliverable }) {
  if (emailDeliverable) return "";
  const act = me.holder ? `<a href="#holder">${esc(t("updateEmail"))}</a>` : esc(t("askHolderNow"));
  return `<section class="notice" id="home-undeliverable" aria-labelledby="home-undeliverable-title"><h3 id="home-undeliverable-title">${esc(t("undeliverableTitle"))}</h3>
    <p>${esc(t("undeliverable", { email }))}</p><p>${act}</p></section>`;
}

export async function homeView() {
  const [{ name: providerName }, own] = await Promise.all([provider(), ownEmail()]);
  const name = me.name;
  const item = (href, key) => `<li><a href="#${href}">${t(key)}</a></li>`;
  const granted = [
    may("PROFILE") && item("holder", "mayProfile"),
    may("SERVICES") && item("services", "mayServices"),
    may("MANAGE_SERVICES") && (may("SERVICES") ? item("services", "mayManage") : `<li>${t("mayManageBlind")}</li>`),
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
  view().innerHTML = `<section id="home"><h2>${esc(t("hello").replace("{name}", name))}</h2>${undeliverable(own)}${keepCurrent(providerName)}<p>${t("youMay")}</p>
    <ul class="home-list" id="may-list">${granted.join("")}</ul>
    ${missing.length ? `<p>${t("notGranted")}</p><ul class="home-list" id="not-granted">${missing.map((key) => `<li>${t(key)}</li>`).join("")}</ul>` : ""}</section>`;
}
