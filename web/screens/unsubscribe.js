// A promotion's unsubscribe link (/baja-avisos?token=...). Opening it changes nothing (mail scanners open links
// before people do): the button does it, for the address the promotion went to. No sign-in: the link is the proof.
import { gql } from "../lib/api.js";
import { texts } from "../lib/i18n.js";
import { button, esc, payloadErrors, view } from "../lib/ui.js";

const t = texts({
  es: {
    unsubscribeTitle: "Dejar de recibir promociones",
    unsubscribeAsk: "Pulse el botón y la dirección a la que le llegó el mensaje dejará de recibir recordatorios comerciales y promociones (Emails Notas). Las facturas, los vencimientos, las respuestas de soporte y los avisos de seguridad le seguirán llegando.",
    unsubscribeButton: "Dejar de recibir promociones",
    unsubscribeDone: "Listo: esa dirección ya no recibe promociones. El titular puede volver a elegirlas en el panel, en “Emails Recibidos”; un contacto, pidiéndolo a quien administra los contactos de la cuenta.",
    toPanel: "Ir al Panel de Clientes",
  },
  en: {
    unsubscribeTitle: "Stop receiving promotions",
    unsubscribeAsk: "Press the button and the address the message reached will stop receiving commercial reminders and promotions (Notes emails). Invoices, due dates, support replies and security notices will still reach it.",
    unsubscribeButton: "Stop receiving promotions",
    unsubscribeDone: "Done: that address no longer receives promotions. The holder can choose them again in the panel, under “Received emails”; a contact, by asking whoever manages the account's contacts.",
    toPanel: "Go to the Client Panel",
  },
});

export function unsubscribeView(token) {
  const section = document.createElement("section");
  section.id = "unsubscribe";
  section.innerHTML = `<h2>${esc(t("unsubscribeTitle"))}</h2><p>${esc(t("unsubscribeAsk"))}</p>`;
  let busy = false; // a second click while the first is on its way does nothing
  section.append(button(t("unsubscribeButton"), "unsubscribe-submit", async (element) => {
    if (busy) return;
    busy = true;
    try {
      const data = await gql(`mutation MailUnsubscribe($i: MailUnsubscribeInput!) { mailUnsubscribe(input: $i) { category errors { message } } }`,
        { i: { token } });
      if (payloadErrors(data.mailUnsubscribe, element)) return;
      history.replaceState(null, "", "/baja-avisos"); // the token leaves the address bar and the history
      section.innerHTML = `<h2>${esc(t("unsubscribeTitle"))}</h2><p class="msg ok" role="status">${esc(t("unsubscribeDone"))}</p>
        <p><a href="/">${esc(t("toPanel"))}</a></p>`;
    } finally {
      busy = false;
    }
  }));
  view().replaceChildren(section);
}
