// Partner API tokens (Authorization: Bearer): the account's tokens and what each may do.
import { gql } from "../lib/api.js";
import { dateTime, label, texts } from "../lib/i18n.js";
import { esc, view } from "../lib/ui.js";

const t = texts({
  es: { name: "Nombre", permissions: "Permisos", created: "Creado", expires: "Vence", lastUsed: "Último uso", never: "Nunca" },
  en: { name: "Name", permissions: "Permissions", created: "Created", expires: "Expires", lastUsed: "Last used", never: "Never" },
});

const when = (value) => (value ? dateTime(value) : t("never"));

export async function tokensView() {
  const tokens = (await gql(`query Tokens { viewer { account { apiTokens { id name permissions createdAt expiresAt lastUsedAt } } } }`)).viewer.account.apiTokens;
  view().innerHTML = `<section id="tokens"><h2>${t("navTokens")}</h2>${tokens.length ? `<table><thead><tr><th>${t("name")}</th><th>${t("permissions")}</th>
    <th>${t("created")}</th><th>${t("expires")}</th><th>${t("lastUsed")}</th></tr></thead><tbody>${tokens.map((k) => `<tr class="token">
    <td>${esc(k.name)}</td><td>${k.permissions.map(label).map(esc).join(", ")}</td><td>${esc(dateTime(k.createdAt))}</td>
    <td>${esc(when(k.expiresAt))}</td><td>${esc(when(k.lastUsedAt))}</td></tr>`).join("")}</tbody></table>` : `<p>${t("none")}</p>`}</section>`;
}
