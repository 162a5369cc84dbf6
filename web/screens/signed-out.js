// Signed out: sign in (with its second step when two-step verification is on, or with a passkey and no login at all),
// access recovery (seed 001) and the email-change link.
import { gql, secondFactor } from "../lib/api.js";
import { texts } from "../lib/i18n.js";
import { button, esc, field, flash, form, payloadErrors, say, view } from "../lib/ui.js";
import { passkeysSupported, usePasskey } from "../lib/webauthn.js";

const t = texts({
  es: {
    login: "Número de cliente o email", password: "Clave", signIn: "Ingresar", forgot: "¿Olvidó su número de cliente o clave? Haga clic aquí",
    recover: "Recuperar datos de acceso", recoverIntro: "Elija uno de los tres datos, escríbalo y le enviaremos un email a la dirección primaria de la cuenta para confirmar el pedido. Al confirmarlo, un segundo email le trae su número de cliente y una clave nueva.",
    method: "Dato de validación", DOMAIN: "Nombre de dominio", CLIENT_NUMBER: "Número de cliente", PRIMARY_EMAIL: "Dirección de email primaria",
    value: "Dato", DOMAIN_hint: "Por ejemplo: midominio.com.ar (también sirve www.midominio.com.ar)", CLIENT_NUMBER_hint: "Por ejemplo: 9000. Figura en el encabezado de los emails que le enviamos.",
    PRIMARY_EMAIL_hint: "El email principal de la cuenta, por ejemplo: nombre@gmail.com", send: "Enviar", back: "Volver a ingresar", valueMissing: "Escriba el dato elegido.",
    recoverySent: "Pedido recibido. Si el dato corresponde a una cuenta, en unos minutos llegará un email a su dirección primaria con un enlace para confirmar. Si no llega, revise la carpeta de correo no deseado o pruebe con otro de los datos.",
    recoveryDone: "Listo: le enviamos por email su número de cliente y una clave nueva.", emailConfirmed: "Listo: su email cambió.",
    twoStep: "Verificación en dos pasos", twoStepIntro: "Escriba el código de 6 dígitos que muestra su aplicación de autenticación.",
    code: "Código", useRecovery: "¿No tiene su teléfono? Use un código de recuperación", recoveryCode: "Código de recuperación",
    recoveryIntro: "Escriba uno de los códigos de recuperación que guardó al activar la verificación en dos pasos. Cada uno sirve una sola vez.",
    useCode: "Usar el código de la aplicación", verify: "Verificar", recoveryTwoStep: "Para confirmar la recuperación, verifique su identidad con su segundo factor.",
    passkeySignIn: "Ingresar con una llave de acceso", or: "o", usePasskey: "Usar una llave de acceso",
    twoStepPasskey: "Use una de sus llaves de acceso (passkeys), o escriba el código de 6 dígitos de su aplicación de autenticación si tiene una.",
  },
  en: {
    login: "Client number or email", password: "Password", signIn: "Sign in", forgot: "Forgot your client number or password? Click here",
    recover: "Recover your access data", recoverIntro: "Choose one of the three, type it and we will email the account's primary address to confirm the request. Once you confirm, a second email brings your client number and a new password.",
    method: "Validation data", DOMAIN: "Domain name", CLIENT_NUMBER: "Client number", PRIMARY_EMAIL: "Primary email address",
    value: "Data", DOMAIN_hint: "For example: mydomain.com (www.mydomain.com works too)", CLIENT_NUMBER_hint: "For example: 9000. It is at the top of the emails we send you.",
    PRIMARY_EMAIL_hint: "The account's main email, for example: name@gmail.com", send: "Send", back: "Back to sign in", valueMissing: "Type the data you chose.",
    recoverySent: "Request received. If the data matches an account, an email with a link to confirm will reach its primary address in a few minutes. If it does not arrive, check the spam folder or try another of the three.",
    recoveryDone: "Done: we emailed your client number and a new password.", emailConfirmed: "Done: your email changed.",
    twoStep: "Two-step verification", twoStepIntro: "Type the 6-digit code your authenticator app shows.",
    code: "Code", useRecovery: "No phone at hand? Use a recovery code", recoveryCode: "Recovery code",
    recoveryIntro: "Type one of the recovery codes you kept when you turned two-step verification on. Each one works once.",
    useCode: "Use the app's code", verify: "Verify", recoveryTwoStep: "To confirm the recovery, verify your identity with your second factor.",
    passkeySignIn: "Sign in with a passkey", or: "or", usePasskey: "Use a passkey",
    twoStepPasskey: "Use one of your passkeys, or type the 6-digit code from your authenticator app if you have one.",
  },
});

export function signInView(route) {
  const element = form(
    `<h2>${t("signIn")}</h2>${field(t, "login", "login")}${field(t, "password", "password", "password")}
     <button id="signin-button">${t("signIn")}</button><a href="#recover" id="forgot">${t("forgot")}</a>`,
    async ({ login, password }, _, submitter) => {
      const data = await gql(`mutation SignIn($i: SignInInput!) { signIn(input: $i) { errors { code message } challenge { token } } }`, { i: { login, password } });
      if (data.signIn.challenge) return secondStepView(data.signIn.challenge.token, route);
      if (!payloadErrors(data.signIn, submitter)) await route();
    },
  );
  if (passkeysSupported()) {
    element.querySelector("#signin-button").insertAdjacentHTML("afterend", `<p class="or">${esc(t("or"))}</p>`);
    element.querySelector(".or").after(button(t("passkeySignIn"), "passkey-signin", (self) => passkeySignIn(self, route)));
    element.querySelector("[name=login]").autocomplete = "username webauthn";
  }
  view().replaceChildren(element);
}

// No login typed: the browser offers the passkeys it holds for this site, and the one chosen signs in.
async function passkeySignIn(anchor, route) {
  const started = (await gql(`mutation PasskeySignInStart { passkeySignInStart { options errors { message } } }`)).passkeySignInStart;
  if (payloadErrors(started, anchor)) return;
  const credential = await usePasskey(started.options);
  const data = await gql(`mutation PasskeySignIn($i: PasskeySignInFinishInput!) { passkeySignInFinish(input: $i) { errors { message } } }`, { i: { credential } });
  if (!payloadErrors(data.passkeySignInFinish, anchor)) await route();
}

// The second factor: the app's code, or (behind a link) a recovery code; with `passkey` (which gives a credential's
// JSON), a passkey too. `send(factor)` answers the payload.
function secondFactorForm(intro, send, done, passkey = null) {
  let recovering = false;
  const element = form("", async ({ factor }, _, submitter) => {
    const payload = await send(recovering ? { recoveryCode: factor } : secondFactor(factor));
    if (!payloadErrors(payload, submitter)) await done();
  });
  const render = () => {
    element.innerHTML = `<h2>${esc(t("twoStep"))}</h2><p id="two-step-intro">${esc(recovering ? t("recoveryIntro") : intro)}</p>
      <label>${esc(t(recovering ? "recoveryCode" : "code"))}<input name="factor" autocomplete="one-time-code" spellcheck="false"
        ${recovering ? "" : 'inputmode="numeric" maxlength="7"'} aria-describedby="two-step-intro"></label>
      <button id="second-step-button">${esc(t("verify"))}</button>
      <button type="button" class="link" id="second-step-switch">${esc(t(recovering ? "useCode" : "useRecovery"))}</button>`;
    element.querySelector("#second-step-switch").addEventListener("click", () => {
      recovering = !recovering;
      render();
      element.querySelector("[name=factor]").focus();
    });
    if (!passkey || !passkeysSupported()) return;
    const use = button(t("usePasskey"), "second-step-passkey", async () => {
      if (!payloadErrors(await send({ passkey: await passkey() }), use)) await done();
    });
    element.querySelector("h2").after(use);
  };
  render();
  return element;
}

// A passkey as the second factor, when the person has one: `options()` answers the start payload (options or errors).
// Null when they have none (or the browser cannot use one); else what gives a passkey's credential JSON. The first
// options serve the first try; each later try asks for new ones (a challenge works once).
async function passkeyFactor(options) {
  let next = passkeysSupported() ? await options() : null;
  if (!next?.options) return null;
  return async () => {
    const started = next || await options();
    next = null;
    if (!started.options) throw new Error(started.errors.map((e) => e.message).join(" "));
    return usePasskey(started.options);
  };
}

// The second factor's form, focused: the passkey first when the person has one.
function showSecondFactor(intro, send, done, passkey) {
  view().replaceChildren(secondFactorForm(passkey ? t("twoStepPasskey") : intro, send, done, passkey));
  view().querySelector(passkey ? ".second-step-passkey" : "[name=factor]").focus();
}

// After the password: a passkey of that person, or the app's code.
async function secondStepView(challenge, route) {
  const send = async (factor) => (await gql(`mutation SecondStep($i: SignInSecondStepInput!) { signInSecondStep(input: $i) { errors { message } } }`,
    { i: { challenge, ...factor } })).signInSecondStep;
  const passkey = await passkeyFactor(async () => (await gql(`mutation PasskeySecondStep($i: PasskeySecondStepStartInput!) {
    passkeySecondStepStart(input: $i) { options errors { message } } }`, { i: { challenge } })).passkeySecondStepStart);
  showSecondFactor(t("twoStepIntro"), send, route, passkey);
}

const METHODS = ["DOMAIN", "CLIENT_NUMBER", "PRIMARY_EMAIL"];
const KEYBOARDS = { DOMAIN: "url", CLIENT_NUMBER: "numeric", PRIMARY_EMAIL: "email" }; // phones show the fitting keys

// Seed 001: one of three data, named in words; the answer is the same whether or not it matched an account.
export function recoveryView() {
  const element = form(
    `<h2>${esc(t("recover"))}</h2><p>${esc(t("recoverIntro"))}</p>
     <label>${esc(t("method"))}<select name="method">${METHODS.map((m) => `<option value="${m}">${esc(t(m))}</option>`).join("")}</select></label>
     <label><span id="recover-label">${esc(t("DOMAIN"))}</span><input name="value" autocomplete="off" aria-describedby="recover-hint"></label>
     <p id="recover-hint" class="hint"></p><button id="recover-button">${esc(t("send"))}</button><a href="#">${esc(t("back"))}</a>`,
    async ({ method, value }, _, submitter) => {
      if (!value.trim()) return say(submitter, t("valueMissing"), "error");
      const data = await gql(`mutation RecoveryRequest($i: AccessRecoveryRequestInput!) { accessRecoveryRequest(input: $i) { errors { message } } }`, { i: { method, value } });
      if (!payloadErrors(data.accessRecoveryRequest, submitter)) say(submitter, t("recoverySent"));
    },
  );
  const select = element.querySelector("[name=method]");
  const describe = () => {
    element.querySelector("#recover-label").textContent = t(select.value);
    element.querySelector("#recover-hint").textContent = t(`${select.value}_hint`);
    element.querySelector("[name=value]").inputMode = KEYBOARDS[select.value];
  };
  select.addEventListener("change", describe);
  describe();
  view().replaceChildren(element);
}

// With two-step verification on, the link alone changes nothing: the second factor is asked for first.
export async function recoveryConfirmView(token, route) {
  const confirm = async (factor = {}) => (await gql(`mutation RecoveryConfirm($i: AccessRecoveryConfirmInput!) {
    accessRecoveryConfirm(input: $i) { errors { code message } } }`, { i: { token, ...factor } })).accessRecoveryConfirm;
  const done = async () => {
    flash(t("recoveryDone"));
    history.replaceState(null, "", "/");
    await route();
  };
  const payload = await confirm();
  if (payload.errors.some((e) => e.code === "SECOND_FACTOR_REQUIRED")) {
    const passkey = await passkeyFactor(async () => (await gql(`mutation PasskeyRecovery($i: PasskeyRecoveryStartInput!) {
      passkeyRecoveryStart(input: $i) { options errors { message } } }`, { i: { token } })).passkeyRecoveryStart);
    showSecondFactor(t("recoveryTwoStep"), confirm, done, passkey);
    return;
  }
  if (!payloadErrors(payload)) return done();
  history.replaceState(null, "", "/");
  await route();
}

export async function emailConfirmView(token, route) {
  const data = await gql(`mutation EmailChangeConfirm($i: EmailChangeConfirmInput!) { emailChangeConfirm(input: $i) { errors { message } } }`, { i: { token } });
  if (!payloadErrors(data.emailChangeConfirm)) flash(t("emailConfirmed"));
  history.replaceState(null, "", "/");
  await route();
}
