// Home: what this person may do here, and what needs a permission the holder can give.
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
  },
  en: {
    hello: "Hello, {name}.", youMay: "With your access you may:", notGranted: "These need a permission the account holder can give you:",
    mayProfile: "See and update the account holder's data.", mayServices: "See the services and the state of their cancellations.",
    mayManage: "Request, confirm and withdraw service cancellations.", mayManageBlind: "Request, confirm and withdraw service cancellations (to see the services you also need the Services permission).",
    mayContacts: "See the account's contacts.", mayMailAll: "See every email sent to the account.",
    mayMailOwn: "See the emails we sent to you.", maySecurity: "See the account's history.",
    mayPin: "Choose the security PIN.", alwaysYours: "Change your password and see or end your open sessions.",
  },
});

export function homeView() {
  const viewer = me.viewer;
  const name = viewer.contact ? `${viewer.contact.firstName} ${viewer.contact.lastName}`.trim() : `${t("clientNumber")} ${viewer.account.clientNumber}`;
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
  view().innerHTML = `<section id="home"><h2>${esc(t("hello").replace("{name}", name))}</h2><p>${t("youMay")}</p>
    <ul class="home-list" id="may-list">${granted.join("")}</ul>
    ${missing.length ? `<p>${t("notGranted")}</p><ul class="home-list" id="not-granted">${missing.map((key) => `<li>${t(key)}</li>`).join("")}</ul>` : ""}</section>`;
}
