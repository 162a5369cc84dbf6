// The links of support's reset of the holder's lost second factors (issue 23): /restablecer-verificacion?token=...
// (the holder confirms; the waiting period starts) and /anular-restablecimiento?token=... (anyone notified stops it).
// Opening a link changes nothing (mail scanners open links before people do): the button does it. No sign-in.
import { gql } from "../lib/api.js";
import { dateTime, texts } from "../lib/i18n.js";
import { button, esc, payloadErrors, view } from "../lib/ui.js";

const t = texts({
  es: {
    confirmTitle: "Restablecer la verificación en dos pasos",
    confirmAsk: "Soporte pidió restablecer la verificación en dos pasos del titular porque perdió su aplicación de autenticación, sus códigos de recuperación y sus llaves de acceso. Si fue usted quien lo pidió, confírmelo: después de un período de espera, avisado a todas las direcciones de la cuenta, podrá ingresar solo con su clave.",
    confirmButton: "Confirmar el restablecimiento",
    confirmDone: "Confirmado. Si nadie lo anula, el {when} se quitará su verificación en dos pasos y podrá ingresar con su clave.",
    cancelTitle: "Anular el restablecimiento de la verificación en dos pasos",
    cancelAsk: "Si nadie de la cuenta pidió a soporte restablecer la verificación en dos pasos del titular, anúlelo: sus factores seguirán activos.",
    cancelButton: "Anular el restablecimiento",
    cancelDone: "Anulado: la verificación en dos pasos del titular sigue activa. Le recomendamos cambiar la clave y el PIN de seguridad.",
    toPanel: "Ir al Panel de Clientes",
  },
  en: {
    confirmTitle: "Reset two-step verification",
    confirmAsk: "Support asked to reset the holder's two-step verification because they lost their authenticator app, recovery codes and passkeys. If it was you who asked, confirm it: after a waiting period, announced to every address of the account, you will sign in with your password alone.",
    confirmButton: "Confirm the reset",
    confirmDone: "Confirmed. Unless someone cancels it, your two-step verification is removed on {when} and you can sign in with your password.",
    cancelTitle: "Cancel the reset of two-step verification",
    cancelAsk: "If nobody in the account asked support to reset the holder's two-step verification, cancel it: their factors stay on.",
    cancelButton: "Cancel the reset",
    cancelDone: "Cancelled: the holder's two-step verification stays on. We recommend changing the password and the security PIN.",
    toPanel: "Go to the Client Panel",
  },
});

const CONFIRM = `mutation SecondFactorResetConfirm($i: SecondFactorResetLinkInput!) { secondFactorResetConfirm(input: $i) {
  effectiveAt errors { message } } }`;
const CANCEL = `mutation SecondFactorResetCancel($i: SecondFactorResetLinkInput!) { secondFactorResetCancel(input: $i) {
  errors { message } } }`;

// One page for either link: its words, its mutation, and what the answer says once done.
function linkPage(token, { path, title, ask, action, mutation, done }) {
  const section = document.createElement("section");
  section.id = "factor-reset";
  section.innerHTML = `<h2>${esc(t(title))}</h2><p>${esc(t(ask))}</p>`;
  let busy = false; // a second click while the first is on its way does nothing
  section.append(button(t(action), "factor-reset-submit", async (element) => {
    if (busy) return;
    busy = true;
    try {
      const payload = Object.values(await gql(mutation, { i: { token } }))[0];
      if (payloadErrors(payload, element)) return;
      history.replaceState(null, "", path); // the token leaves the address bar and the history
      section.innerHTML = `<h2>${esc(t(title))}</h2><p class="msg ok" role="status">${esc(done(payload))}</p>
        <p><a href="/">${esc(t("toPanel"))}</a></p>`;
    } finally {
      busy = false;
    }
  }));
  view().replaceChildren(section);
}

export function factorResetConfirmView(token) {
  linkPage(token, {
    path: "/restablecer-verificacion", title: "confirmTitle", ask: "confirmAsk", action: "confirmButton", mutation: CONFIRM,
    done: (payload) => t("confirmDone", { when: dateTime(payload.effectiveAt) }),
  });
}

export function factorResetCancelView(token) {
  linkPage(token, {
    path: "/anular-restablecimiento", title: "cancelTitle", ask: "cancelAsk", action: "cancelButton", mutation: CANCEL,
    done: () => t("cancelDone"),
  });
}
