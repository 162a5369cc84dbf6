// The welcome link (/bienvenida?token=...): the holder of an account the provider's billing system created chooses
// the first password and goes into the panel. No password is ever emailed: the link is one-time and lasts 7 days.
// The meter judges the password with the holder's own words, which the server looks up from the link.
import { gql } from "../lib/api.js";
import { texts } from "../lib/i18n.js";
import { esc, flash, form, payloadErrors, view } from "../lib/ui.js";
import { mismatched, newPasswordFields, watchNewPassword } from "./password.js";

const t = texts({
  es: {
    title: "Bienvenido al Panel de Clientes",
    intro: "Elija la clave de su cuenta. Su número de cliente está en el email de bienvenida, arriba: desde ahora ingresará con ese número y esta clave.",
    accept: "Guardar clave e ingresar",
    expired: "¿El enlace venció o ya lo usó? Recupere sus datos de acceso",
    done: "Listo: su clave quedó guardada. Su número de cliente es {number}; úselo con su clave para ingresar.",
  },
  en: {
    title: "Welcome to the Client Panel",
    intro: "Choose your account's password. Your client number is in the welcome email, at the top: from now on you sign in with that number and this password.",
    accept: "Save the password and go in",
    expired: "Did the link expire, or did you use it already? Recover your access data",
    done: "Done: your password is saved. Your client number is {number}; use it with your password to sign in.",
  },
});

const ACCEPT = `mutation WelcomeAccept($i: WelcomeAcceptInput!) {
  welcomeAccept(input: $i) { viewer { account { clientNumber } } errors { message } } }`;

export function welcomeView(token, route) {
  const element = form(
    `<h2>${esc(t("title"))}</h2><p>${esc(t("intro"))}</p>${newPasswordFields()}
     <button id="welcome-submit">${esc(t("accept"))}</button>
     <p><a href="/#recover" id="welcome-recover">${esc(t("expired"))}</a></p>`,
    async ({ newPassword }, el, submitter) => {
      if (mismatched(el, true)) return;
      const data = await gql(ACCEPT, { i: { token, password: newPassword } });
      if (payloadErrors(data.welcomeAccept, submitter)) return;
      history.replaceState(null, "", "/");
      await route();
      flash(t("done", { number: data.welcomeAccept.viewer.account.clientNumber }));
    },
  );
  element.classList.add("password-form");
  watchNewPassword(element, token);
  view().replaceChildren(element);
}
