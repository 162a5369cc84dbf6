// A contact's invitation link: choose a password and go in (seed 004).
import { gql } from "../lib/api.js";
import { texts } from "../lib/i18n.js";
import { field, form, payloadErrors, view } from "../lib/ui.js";

const t = texts({
  es: { chooseCredentials: "Elija su clave", newPassword: "Clave nueva", accept: "Aceptar invitación" },
  en: { chooseCredentials: "Choose your password", newPassword: "New password", accept: "Accept invitation" },
});

export function invitationView(token, route) {
  view().replaceChildren(form(
    `<h2>${t("chooseCredentials")}</h2>${field(t, "password", "newPassword", "password")}<button>${t("accept")}</button>`,
    async ({ password }, _, submitter) => {
      const data = await gql(`mutation Accept($i: ContactInvitationAcceptInput!) { contactInvitationAccept(input: $i) { errors { message } } }`, { i: { token, password } });
      if (!payloadErrors(data.contactInvitationAccept, submitter)) { history.replaceState(null, "", "/"); await route(); }
    },
  ));
}
