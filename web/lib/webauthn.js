// Passkeys in the browser: the server's options (JSON text, binary values in base64url) go to navigator.credentials,
// and the credential comes back as the JSON the server verifies (PublicKeyCredential.toJSON()'s shape). A ceremony
// the person cancelled (or let time out) is an Error that says so in their language.
import { texts } from "./i18n.js";

const t = texts({
  es: {
    NotAllowedError: "No se usó ninguna llave de acceso: se canceló o pasó el tiempo. Vuelva a intentarlo.",
    InvalidStateError: "Este dispositivo ya tiene una de sus llaves de acceso.",
    other: "El navegador no pudo usar la llave de acceso.",
  },
  en: {
    NotAllowedError: "No passkey was used: it was cancelled or timed out. Try again.",
    InvalidStateError: "This device already holds one of your passkeys.",
    other: "The browser could not use the passkey.",
  },
});

// navigator.credentials' refusals, in words.
async function ceremony(run) {
  try {
    return await run();
  } catch (error) {
    const known = ["NotAllowedError", "AbortError"].includes(error.name) ? "NotAllowedError" : error.name === "InvalidStateError" ? error.name : "other";
    throw new Error(t(known));
  }
}

const toBytes = (text) => {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4)), (c) => c.charCodeAt(0)).buffer;
};
const toText = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const descriptors = (list) => (list || []).map((c) => ({ ...c, id: toBytes(c.id) }));

export const passkeysSupported = () => Boolean(window.PublicKeyCredential && navigator.credentials);

const common = (credential, response) => JSON.stringify({
  id: credential.id,
  rawId: toText(credential.rawId),
  type: credential.type,
  response,
  clientExtensionResults: credential.getClientExtensionResults(),
  authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
});

// A new passkey for passkeyRegistrationStart's options; the credential's JSON for passkeyRegistrationFinish.
export async function createPasskey(options) {
  const o = JSON.parse(options);
  const publicKey = { ...o, challenge: toBytes(o.challenge), user: { ...o.user, id: toBytes(o.user.id) }, excludeCredentials: descriptors(o.excludeCredentials) };
  const credential = await ceremony(() => navigator.credentials.create({ publicKey }));
  const r = credential.response;
  return common(credential, {
    clientDataJSON: toText(r.clientDataJSON),
    attestationObject: toText(r.attestationObject),
    transports: r.getTransports ? r.getTransports() : [],
  });
}

// A passkey's signature over request options (sign-in, second step, step-up); the credential's JSON.
export async function usePasskey(options) {
  const o = JSON.parse(options);
  const publicKey = { ...o, challenge: toBytes(o.challenge), allowCredentials: descriptors(o.allowCredentials) };
  const credential = await ceremony(() => navigator.credentials.get({ publicKey }));
  const r = credential.response;
  return common(credential, {
    clientDataJSON: toText(r.clientDataJSON),
    authenticatorData: toText(r.authenticatorData),
    signature: toText(r.signature),
    userHandle: r.userHandle ? toText(r.userHandle) : null,
  });
}
