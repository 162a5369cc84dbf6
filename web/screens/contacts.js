// The account's contacts (sub-accounts, seed 004).
import { gql } from "../lib/api.js";
import { label, texts } from "../lib/i18n.js";
import { esc, view } from "../lib/ui.js";

const t = texts({
  es: { permissions: "Permisos", categories: "Emails", active: "Activo" },
  en: { permissions: "Permissions", categories: "Emails", active: "Active" },
});

export async function contactsView() {
  const edges = (await gql(`query Contacts { viewer { account { contacts(first: 50) { edges { node { id firstName lastName email active permissions emailCategories invitationPending } } } } } }`)).viewer.account.contacts.edges;
  view().innerHTML = `<h2>${t("navContacts")}</h2>${edges.length ? `<table><thead><tr><th></th><th>${t("email")}</th><th>${t("active")}</th>
    <th>${t("permissions")}</th><th>${t("categories")}</th></tr></thead><tbody>${edges.map(({ node: c }) => `<tr class="contact">
    <td>${esc(c.firstName)} ${esc(c.lastName)}</td><td>${esc(c.email)}</td><td>${c.active ? "✔" : "✘"}</td>
    <td>${c.permissions.map(label).map(esc).join(", ")}</td><td>${c.emailCategories.map(label).map(esc).join(", ")}</td></tr>`).join("")}</tbody></table>` : `<p>${t("none")}</p>`}`;
}
