// Signed out: sign in, access recovery (seed 001) and the email-change link.
import { gql } from "../lib/api.js";
import { texts } from "../lib/i18n.js";
import { field, flash, form, payloadErrors, say, view } from "../lib/ui.js";

const t = texts({
  es: {
    login: "Número de cliente o email", password: "Clave", signIn: "Ingresar", forgot: "¿Olvidó su número de cliente o clave?",
    recover: "Recuperar acceso", method: "Dato", domain: "Nombre de dominio", primaryEmail: "Email primario", value: "Valor",
    send: "Enviar", recoverySent: "Si los datos corresponden a una cuenta, le enviamos un email para confirmar.",
    recoveryDone: "Listo: le enviamos por email su número de cliente y una clave nueva.", emailConfirmed: "Listo: su email cambió.",
  },
  en: {
    login: "Client number or email", password: "Password", signIn: "Sign in", forgot: "Forgot your client number or password?",
    recover: "Recover access", method: "Data", domain: "Domain name", primaryEmail: "Primary email", value: "Value", send: "Send",
    recoverySent: "If the data matches an account, we sent an email to confirm.",
    recoveryDone: "Done: we emailed your client number and a new password.", emailConfirmed: "Done: your email changed.",
  },
});

export function signInView(route) {
  view().replaceChildren(form(
    `<h2>${t("signIn")}</h2>${field(t, "login", "login")}${field(t, "password", "password", "password")}
     <button id="signin-button">${t("signIn")}</button><a href="#recover" id="forgot">${t("forgot")}</a>`,
    async ({ login, password }, _, submitter) => {
      const data = await gql(`mutation SignIn($i: SignInInput!) { signIn(input: $i) { errors { message } } }`, { i: { login, password } });
      if (!payloadErrors(data.signIn, submitter)) await route();
    },
  ));
}

export function recoveryView() {
  view().replaceChildren(form(
    `<h2>${t("recover")}</h2>
     <label>${t("method")}<select name="method"><option value="DOMAIN">${t("domain")}</option>
     <option value="CLIENT_NUMBER">${t("clientNumber")}</option><option value="PRIMARY_EMAIL">${t("primaryEmail")}</option></select></label>
     ${field(t, "value", "value")}<button id="recover-button">${t("send")}</button>`,
    async ({ method, value }, _, submitter) => {
      const data = await gql(`mutation RecoveryRequest($i: AccessRecoveryRequestInput!) { accessRecoveryRequest(input: $i) { errors { message } } }`, { i: { method, value } });
      if (!payloadErrors(data.accessRecoveryRequest, submitter)) say(submitter, t("recoverySent"));
    },
  ));
}

export async function recoveryConfirmView(token, route) {
  const data = await gql(`mutation RecoveryConfirm($i: AccessRecoveryConfirmInput!) { accessRecoveryConfirm(input: $i) { errors { message } } }`, { i: { token } });
  if (!payloadErrors(data.accessRecoveryConfirm)) flash(t("recoveryDone"));
  history.replaceState(null, "", "/");
  await route();
}

export async function emailConfirmView(token, route) {
  const data = await gql(`mutation EmailChangeConfirm($i: EmailChangeConfirmInput!) { emailChangeConfirm(input: $i) { errors { message } } }`, { i: { token } });
  if (!payloadErrors(data.emailChangeConfirm)) flash(t("emailConfirmed"));
  history.replaceState(null, "", "/");
  await route();
}
