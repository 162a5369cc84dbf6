// The panel talks to the public GraphQL API only: cookie session and automatic persisted queries.
import { lang, t } from "./i18n.js";

async function sha256(text) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// POST a GraphQL operation, first by its hash only (automatic persisted queries).
export async function gql(query, variables = {}) {
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

// Sensitive changes need a recent sign-in (STEP_UP_REQUIRED): prove it with the password, then send once more.
export async function withStepUp(send, password = null) {
  const payload = await send();
  if (!(payload.errors || []).some((e) => e.code === "STEP_UP_REQUIRED")) return payload;
  const given = password || window.prompt(t("stepUp"));
  if (!given) return payload;
  const data = await gql(`mutation Reauthenticate($i: ReauthenticateInput!) { reauthenticate(input: $i) { errors { code message } } }`, { i: { password: given } });
  return data.reauthenticate.errors.length ? data.reauthenticate : send();
}
