// Received emails (seed 004 5.3): search, the list, the open message beside it, its HTML on request, resending.
import { gql } from "../lib/api.js";
import { dateTime, label, lang, texts } from "../lib/i18n.js";
import { may, me } from "../lib/session.js";
import { button, clearMessages, esc, field, form, payloadErrors, say, view } from "../lib/ui.js";

const t = texts({
  es: {
    search: "Buscar", searchWords: "Palabras del asunto o del texto", view: "Ver Mensaje", to: "Para",
    date: "Fecha", subject: "Asunto", category: "Tipo de aviso", noSubject: "(sin asunto)",
    chooseMessage: "Elija un mensaje y presione “Ver Mensaje”.", count: "{n} mensajes", countOne: "1 mensaje",
    noMatch: "Ningún mensaje coincide con la búsqueda.", more: "Ver más mensajes", html: "Ver versión HTML",
    text: "Ver versión texto", noHtml: "Este mensaje no tiene versión HTML.", resend: "Reenviar",
    resent: "Reenviado a: {to}. La copia aparece primera en la lista.", backToList: "Volver a la lista",
    htmlTitle: "Versión HTML del mensaje (sin imágenes remotas)",
    htmlNote: "Por su privacidad no se cargan imágenes de otros sitios: revelarían cuándo y desde dónde leyó el mensaje.",
    QUEUED: "por enviar", SENT: "enviado", FAILED: "no se pudo entregar",
    noticesTitle: "Avisos que recibo", noticesHint: "Como titular, estos emails le llegan a su dirección principal. Puede dejar de recibir las promociones; los demás avisos le llegan siempre.",
    noticesAlways: "Siempre le llegan al titular.", noticesNotes: "Recordatorios comerciales y promociones.",
    noticesSave: "Guardar avisos", noticesSaved: "Listo: se guardaron los avisos que recibe.",
  },
  en: {
    search: "Search", searchWords: "Words in the subject or text", view: "View message", to: "To",
    date: "Date", subject: "Subject", category: "Kind of notice", noSubject: "(no subject)",
    chooseMessage: "Choose a message and press “View message”.", count: "{n} messages", countOne: "1 message",
    noMatch: "No message matches the search.", more: "Show more messages", html: "View HTML version",
    text: "View text version", noHtml: "This message has no HTML version.", resend: "Resend",
    resent: "Resent to: {to}. The copy is first in the list.", backToList: "Back to the list",
    htmlTitle: "HTML version of the message (no remote images)",
    htmlNote: "For your privacy, images from other sites are not loaded: they would reveal when and where you read it.",
    QUEUED: "waiting to be sent", SENT: "sent", FAILED: "could not be delivered",
    noticesTitle: "Notices I receive", noticesHint: "As the holder, these emails reach your primary address. You can stop receiving promotions; the other notices always reach you.",
    noticesAlways: "Always sent to the holder.", noticesNotes: "Commercial reminders and promotions.",
    noticesSave: "Save notices", noticesSaved: "Done: the notices you receive were saved.",
  },
});

const PAGE = 30;
const MESSAGE = "id subject category queuedAt textBody deliveryStatus recipients";
// The HTML version runs nothing and loads nothing: the server sanitised it (core/mail_html.py), the frame is
// sandboxed without scripts or same origin, and its own policy allows embedded images and inline styles only.
const FRAME_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'";

// In the list, the day and the minute are enough; the open message shows the full time.
const shortDate = (value) => new Date(value).toLocaleString(lang, { dateStyle: "short", timeStyle: "short" });
const countText = (n) => (n === 1 ? t("countOne") : t("count").replace("{n}", n));

function row(message, index) {
  const tr = document.createElement("tr");
  tr.className = "mail";
  tr.innerHTML = `<td class="mail-date">${esc(shortDate(message.queuedAt))}</td><td class="mail-subject">${esc(message.subject || t("noSubject"))}</td>
    <td class="mail-kind">${esc(label(message.category))}</td><td class="mail-open"><button type="button" data-open="${index}">${t("view")}</button></td>`;
  return tr;
}

function textReader(message) {
  const reader = document.createElement("pre");
  reader.id = "mail-reader";
  reader.textContent = message.textBody;
  return reader;
}

async function htmlReader(message) {
  const data = await gql(`query MailHtml($id: ID!) { node(id: $id) { ... on MailMessage { htmlBody } } }`, { id: message.id });
  const html = data.node?.htmlBody;
  if (!html) return null;
  const frame = document.createElement("iframe");
  frame.id = "mail-html";
  frame.title = t("htmlTitle");
  frame.setAttribute("sandbox", "allow-popups allow-popups-to-escape-sandbox");
  frame.setAttribute("referrerpolicy", "no-referrer");
  frame.srcdoc = `<!doctype html><html lang="${esc(document.documentElement.lang)}"><head><meta charset="utf-8">
    <meta http-equiv="Content-Security-Policy" content="${FRAME_POLICY}"><meta name="referrer" content="no-referrer">
    <title>${esc(message.subject)}</title></head><body>${html}</body></html>`;
  const note = document.createElement("p");
  note.className = "mail-note";
  note.textContent = t("htmlNote");
  const holder = document.createElement("div");
  holder.append(frame, note);
  return holder;
}

// The open message: subject, date, recipients and status, its text (or HTML on request), and "Reenviar".
function openMessage(panel, message, onResent, opener) {
  const status = t(message.deliveryStatus);
  panel.innerHTML = `<h3 id="mail-subject">${esc(message.subject || t("noSubject"))}</h3>
    <p class="mail-meta"><small>${t("date")}: ${esc(dateTime(message.queuedAt))} · ${esc(label(message.category))} · ${esc(status)}</small><br>
    <small>${t("to")}: ${esc(message.recipients.join(", "))}</small></p>`;
  const actions = document.createElement("div");
  actions.className = "mail-actions";
  let reader = textReader(message);
  let showingHtml = false;
  const toggle = button(t("html"), "mail-html-toggle", async (element) => {
    const next = showingHtml ? textReader(message) : await htmlReader(message);
    if (!next) return say(element, t("noHtml"), "warning");
    reader.replaceWith(next);
    reader = next;
    showingHtml = !showingHtml;
    element.textContent = showingHtml ? t("text") : t("html");
  });
  actions.append(toggle);
  if (may("MAIL")) {
    actions.append(button(t("resend"), "mail-resend", async (element) => {
      const data = await gql(`mutation MailResend($i: MailResendInput!) { mailResend(input: $i) { message { ${MESSAGE} } errors { code message } } }`,
        { i: { messageId: message.id } });
      const payload = data.mailResend;
      if (payloadErrors(payload, element)) return;
      onResent(payload.message);
      say(element, t("resent").replace("{to}", payload.message.recipients.join(", ")), "ok");
    }));
  }
  actions.append(button(t("backToList"), "mail-back", () => opener.focus()));
  panel.append(actions, reader);
  panel.scrollIntoView({ block: "nearest" });
  panel.focus({ preventScroll: true });
}

// "Avisos que recibo": the holder's categories, the optional ones (promotions) as checkboxes, the others shown
// checked and fixed. Contacts choose theirs in their own contact data.
const CATEGORIES = ["GENERAL", "PRODUCTS", "DOMAINS", "NOTES", "SUPPORT"];
const PREFERENCES = "mutedCategories optionalCategories";

function preferencesSection({ mutedCategories, optionalCategories }) {
  const section = document.createElement("section");
  section.id = "mail-preferences";
  const check = (code) => {
    const optional = optionalCategories.includes(code);
    const id = `mail-notice-${code}`;
    return `<div class="mail-check"><input type="checkbox" id="${id}" name="receive" value="${code}"${mutedCategories.includes(code) ? "" : " checked"}${optional ? "" : " disabled"}
      aria-describedby="${id}-hint"><label for="${id}">Emails ${esc(label(code))}</label>
      <p class="mail-hint" id="${id}-hint">${esc(optional ? t("noticesNotes") : t("noticesAlways"))}</p></div>`;
  };
  section.append(form(`<fieldset><legend>${esc(t("noticesTitle"))}</legend><p class="mail-hint">${esc(t("noticesHint"))}</p>
    ${CATEGORIES.map(check).join("")}</fieldset><button id="mail-preferences-save">${esc(t("noticesSave"))}</button>`,
  async (_values, element, submitter) => {
    const muted = optionalCategories.filter((code) => !element.querySelector(`#mail-notice-${code}`).checked);
    const data = await gql(`mutation MailPreferencesSet($i: MailPreferencesSetInput!) { mailPreferencesSet(input: $i) {
      mailPreferences { ${PREFERENCES} } errors { message } } }`, { i: { mutedCategories: muted } });
    if (payloadErrors(data.mailPreferencesSet, submitter)) return;
    say(submitter, t("noticesSaved"), "ok");
  }));
  return section;
}

async function fetchPreferences() {
  if (!me.holder || !may("MAIL")) return null;
  return (await gql(`query MailPreferences { mailPreferences { ${PREFERENCES} } }`)).mailPreferences;
}

async function fetchPage(search, after = null) {
  const data = await gql(`query Mail($f: MailFilter, $first: Int, $after: String) { viewer { account {
    mail(first: $first, after: $after, filter: $f) { totalCount pageInfo { hasNextPage endCursor } edges { node { ${MESSAGE} } } } } } }`,
  { f: { search: search || null }, first: PAGE, after });
  return data.viewer.account.mail;
}

export async function mailView(search = "") {
  const [first, preferences] = await Promise.all([fetchPage(search), fetchPreferences()]);
  let page = first;
  const messages = page.edges.map((edge) => edge.node);
  const section = document.createElement("section");
  section.id = "mail";
  section.innerHTML = `<h2>${t("navMail")}</h2>`;
  section.append(form(`${field(t, "search", "searchWords", "search", search)}<button id="mail-search">${t("search")}</button>`,
    async ({ search: words }) => mailView(words)));
  const count = document.createElement("p");
  count.id = "mail-count";
  count.setAttribute("role", "status");
  count.textContent = messages.length ? countText(page.totalCount) : (search ? t("noMatch") : t("none"));
  const layout = document.createElement("div");
  layout.className = "mail-layout";
  const listColumn = document.createElement("div");
  const list = document.createElement("table");
  list.className = "mail-list";
  list.innerHTML = `<thead><tr><th scope="col">${t("date")}</th><th scope="col">${t("subject")}</th>
    <th scope="col">${t("category")}</th><th scope="col"><span class="visually-hidden">${t("view")}</span></th></tr></thead><tbody></tbody>`;
  const body = list.tBodies[0];
  body.append(...messages.map(row));
  list.hidden = !messages.length;
  const more = button(t("more"), "mail-more", async () => {
    page = await fetchPage(search, page.pageInfo.endCursor);
    const start = messages.length;
    messages.push(...page.edges.map((edge) => edge.node));
    body.append(...messages.slice(start).map((message, n) => row(message, start + n)));
    more.hidden = !page.pageInfo.hasNextPage;
    body.rows[start]?.querySelector("button")?.focus();
  });
  more.hidden = !page.pageInfo.hasNextPage;
  listColumn.append(list, more);
  const panel = document.createElement("section");
  panel.id = "mail-panel";
  panel.tabIndex = -1;
  panel.setAttribute("aria-live", "polite");
  panel.innerHTML = `<p>${t("chooseMessage")}</p>`;
  // A re-sent copy is the newest message: it goes first in the list (its index is the next free one).
  let total = page.totalCount;
  const resent = (message) => {
    messages.push(message);
    count.textContent = countText(++total);
    body.prepend(row(message, messages.length - 1));
  };
  list.addEventListener("click", (event) => {
    const n = event.target.dataset?.open;
    if (n === undefined) return;
    clearMessages();
    openMessage(panel, messages[Number(n)], resent, event.target);
  });
  layout.append(listColumn, panel);
  section.append(count, layout);
  if (preferences) section.append(preferencesSection(preferences));
  view().replaceChildren(section);
}
