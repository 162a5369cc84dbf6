// Received emails (seed 004): the list, search, and the open message beside it.
import { gql } from "../lib/api.js";
import { dateTime, texts } from "../lib/i18n.js";
import { clearMessages, esc, field, form, view } from "../lib/ui.js";

const t = texts({
  es: { search: "Buscar", view: "Ver Mensaje", sent: "Enviado", noSubject: "(sin asunto)", chooseMessage: "Elija un mensaje y presione “Ver Mensaje”." },
  en: { search: "Search", view: "View message", sent: "Sent", noSubject: "(no subject)", chooseMessage: "Choose a message and press “View message”." },
});

export async function mailView(search = "") {
  const data = await gql(`query Mail($f: MailFilter) { viewer { account { mail(first: 30, filter: $f) { totalCount edges { node { id subject category queuedAt textBody } } } } } }`, { f: { search: search || null } });
  const edges = data.viewer.account.mail.edges;
  const section = document.createElement("section");
  section.innerHTML = `<h2>${t("navMail")}</h2>`;
  section.append(form(`${field(t, "search", "search", "search", search)}<button id="mail-search">${t("search")}</button>`, async ({ search: words }) => mailView(words)));
  const layout = document.createElement("div");
  layout.className = "mail-layout";
  const list = document.createElement("table");
  list.innerHTML = edges.length ? `<tbody>${edges.map(({ node: m }, n) => `<tr class="mail"><td>${esc(dateTime(m.queuedAt))}</td>
    <td>${esc(m.subject || t("noSubject"))}</td><td><button type="button" data-open="${n}">${t("view")}</button></td></tr>`).join("")}</tbody>`
    : `<tbody><tr><td>${t("none")}</td></tr></tbody>`;
  const panel = document.createElement("section");
  panel.id = "mail-panel";
  panel.tabIndex = -1;
  panel.setAttribute("aria-live", "polite");
  panel.innerHTML = `<p>${t("chooseMessage")}</p>`;
  list.addEventListener("click", (event) => {
    const n = event.target.dataset?.open;
    if (n === undefined) return;
    clearMessages();
    const m = edges[Number(n)].node;
    panel.innerHTML = `<h3 id="mail-subject">${esc(m.subject || t("noSubject"))}</h3><p><small>${t("sent")}: ${esc(dateTime(m.queuedAt))}</small></p>`;
    const reader = document.createElement("pre");
    reader.id = "mail-reader";
    reader.textContent = m.textBody;
    panel.append(reader);
    panel.scrollIntoView({ block: "nearest" });
    panel.focus({ preventScroll: true });
  });
  layout.append(list, panel);
  section.append(layout);
  view().replaceChildren(section);
}
