// Two-step verification the account requires (issue 23): a contact without a second factor, once signed in with the
// password, can only add one: the authenticator app or a passkey, with the security screen's own sections;
// "Continuar" then opens the panel.
import { texts } from "../lib/i18n.js";
import { button, esc, view } from "../lib/ui.js";
import { passkeysSection, twoStepSection } from "./security.js";

const t = texts({
  es: {
    enrolTitle: "Active la verificación en dos pasos",
    enrolWhy: "El titular de la cuenta exige la verificación en dos pasos a todos los contactos: para usar el panel, active una aplicación de autenticación o agregue una llave de acceso. Sus tokens de API tampoco funcionan hasta entonces.",
    enrolDone: "Continuar al panel",
  },
  en: {
    enrolTitle: "Turn on two-step verification",
    enrolWhy: "The account holder requires two-step verification of every contact: to use the panel, turn on an authenticator app or add a passkey. Your API tokens do not work until then either.",
    enrolDone: "Go on to the panel",
  },
});

export async function enrolmentView(route) {
  const section = document.createElement("section");
  section.className = "security enrolment-required";
  section.innerHTML = `<h2 id="enrolment-title">${esc(t("enrolTitle"))}</h2><p class="enrolment-why">${esc(t("enrolWhy"))}</p>`;
  const twoStep = document.createElement("div");
  twoStep.className = "two-step";
  const passkeys = document.createElement("div");
  passkeys.className = "passkeys-section";
  section.append(twoStep, passkeys, button(t("enrolDone"), "enrolment-done", () => route()));
  await Promise.all([twoStepSection(twoStep), passkeysSection(passkeys)]);
  view().replaceChildren(section);
}
