// The panel talks to the public GraphQL API only: cookie session and automatic persisted queries.
import { lang, t } from "./i18n.js";
import { askPassword } from "./step-up.js";
import { passkeysSupported, usePasskey } from "./webauthn.js";

async function sha256(text) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// An error the screen can show: the server's message (in the panel's language), or ours when the server could not be
// reached; `code` is the first error's extensions.code.
function failure(errors) {
  const error = new Error(errors.map((e) => e.message).join(" "));
  error.code = errors[0].extensions?.code;
  return error;
}

// POST a GraphQL operation, first by its hash only (automatic persisted queries). A session that ended while the
// page was open ("panel:signed-out" on window) sends the shell back to the sign-in form.
export async function gql(query, variables = {}) {
  const persistedQuery = { version: 1, sha256Hash: await sha256(query) };
  const unreachable = { errors: [{ message: t("unreachable"), extensions: { code: "UNREACHABLE" } }] };
  const post = (body) => fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", "accept-language": lang },
    body: JSON.stringify({ variables, extensions: { persistedQuery }, ...body }),
  }).then((r) => r.json()).catch(() => unreachable);
  let body = await post({});
  if (body.errors?.[0]?.extensions?.code === "PERSISTED_QUERY_NOT_FOUND") body = await post({ query });
  if (!body.errors?.length) return body.data;
  const error = failure(body.errors);
  if (error.code === "UNAUTHENTICATED") window.dispatchEvent(new Event("panel:signed-out"));
  throw error;
}

// What a person typed as their second factor: digits are the authenticator app's code, anything else a recovery code.
export const secondFactor = (typed) => (/^[\d\s]+$/.test(typed) ? { code: typed } : { recoveryCode: typed });

// Proves the password again (reauthenticate), with the second factor when the person has one (a code, or a passkey's
// credential JSON); the refusal's errors, none when it was accepted.
async function reauthenticate(password, code = "", passkey = null) {
  const i = passkey ? { password, passkey } : code ? { password, ...secondFactor(code) } : { password };
  const data = await gql(`mutation Reauthenticate($i: ReauthenticateInput!) { reauthenticate(input: $i) { errors { code field message } } }`, { i });
  return data.reauthenticate.errors;
}

// A passkey's answer for step-up (passkeyStepUpStart's options).
async function stepUpPasskey() {
  const started = (await gql(`mutation PasskeyStepUp { passkeyStepUpStart { options errors { message } } }`)).passkeyStepUpStart;
  if (!started.options) throw new Error(started.errors.map((e) => e.message).join(" "));
  return usePasskey(started.options);
}

// Sensitive changes need a recent sign-in (STEP_UP_REQUIRED): prove it with `password` (a form that already asks for
// it) or in the password dialog, then send once more. Cancelled, the payload says in words that nothing changed.
export async function withStepUp(send, password = null) {
  const payload = await send();
  if (!(payload.errors || []).some((e) => e.code === "STEP_UP_REQUIRED")) return payload;
  if (password) {  // with two-step verification on, the dialog asks for the code too
    const errors = await reauthenticate(password);
    if (!errors.length) return send();
    if (!errors.some((e) => e.code === "SECOND_FACTOR_REQUIRED")) return { ...payload, errors };
  }
  const proved = await askPassword(reauthenticate, passkeysSupported() ? stepUpPasskey : null);
  return proved ? send() : { ...payload, errors: [{ code: "STEP_UP_REQUIRED", message: t("stepUpCancelled") }] };
}
