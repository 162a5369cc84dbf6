// A contact's invitation link (/invitacion?token=...): choose a password and go into the panel (seed 004). The meter
// judges the password with the invitee's own words, which the server looks up from the link.
import { gql } from "../lib/api.js";
import { texts } from "../lib/i18n.js";
import { esc, form, payloadErrors, view } from "../lib/ui.js";
import { mismatched, newPasswordFields, watchNewPassword } from "./password.js";

const t = texts({
  es: {
    chooseCredentials: "Elija su clave", welcome: "Le dieron acceso al Panel de Clientes. Elija una clave para ingresar: después ingresará con su email y esta clave.",
    accept: "Aceptar invitación e ingresar",
  },
  en: {
    chooseCredentials: "Choose your password", welcome: "You were given access to the Client Panel. Choose a password to go in: from then on you sign in with your email and this password.",
    accept: "Accept the invitation and go in",
  },
});

export function invitationView(token, route) {
  const element = form(
    `<h2>${esc(t("chooseCredentials"))}</h2><p>${esc(t("welcome"))}</p>${newPasswordFields()}
     <button id="invitation-submit">${esc(t("accept"))}</button>`,
    async ({ newPassword }, el, submitter) => {
      if (mismatched(el, true)) return;
      const data = await gql(`mutation Accept($i: ContactInvitationAcceptInput!) { contactInvitationAccept(input: $i) { errors { message } } }`,
        { i: { token, password: newPassword } });
      if (payloadErrors(data.contactInvitationAccept, submitter)) return;
      history.replaceState(null, "", "/");
      await route();
    },
  );
  element.classList.add("password-form");
  watchNewPassword(element, token);
  view().replaceChildren(element);
}
