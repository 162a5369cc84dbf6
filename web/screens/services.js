// Services (seed 003): each one's due date, amount and payment method, and the rules of its cancellation stated
// before acting (the deadline in the provider's time zone, the automatic-debit cutoff, what is deleted, why not);
// request, confirm with the emailed code (a new code once the attempts run out), withdraw; "No renovar" and back,
// its consequences stated before confirming; the live status.
import { gql } from "../lib/api.js";
import { lang, texts } from "../lib/i18n.js";
import { watchServices } from "../lib/live.js";
import { may } from "../lib/session.js";
import { button, esc, field, flash, form, payloadErrors, say, view } from "../lib/ui.js";

const t = texts({
  es: {
    intro: "La baja se pide con el botón de cada servicio y se confirma con el código que le enviamos por email. Se hace efectiva dentro de las 24 horas de confirmada.",
    manageNeeded: "Puede ver los servicios; para pedir, confirmar o retirar una baja o cambiar la renovación necesita el permiso Gestionar servicios, que puede darle el titular de la cuenta.",
    status: "Estado", due: "Vence", noDue: "Sin fecha de vencimiento", amount: "Importe", payment: "Forma de pago",
    MANUAL: "Pago manual", AUTOMATIC_DEBIT: "Débito automático",
    cancelRule: "Pedido de baja", deadline: "Se puede pedir hasta el {day} inclusive ({zone}).",
    debit: "Débito automático",
    debitCutoff: "Pida la baja antes del {day} para que no se procese el débito de este vencimiento.",
    debitCharged: "Ya pasó el {day}: si pide la baja ahora, el débito de este vencimiento se procesará igual y no será reintegrado.",
    deletes: "Al darlo de baja se elimina",
    ALREADY_CANCELLED: "No se puede pedir: el servicio ya está dado de baja.",
    ALREADY_PENDING: "Ya hay una solicitud de baja en curso para este servicio.",
    PAST_DUE_DATE: "Ya no se puede pedir: el plazo terminó el {day} inclusive ({zone}), antes del vencimiento.",
    effectiveBy: "Se dará de baja a más tardar el {moment} ({zone}). Hasta entonces puede retirar la solicitud.",
    processing: "En proceso: el proveedor está completando la baja.",
    codeRule: "Confirmación", codeLeft: "Ingrese el código que le enviamos por email antes del {moment} ({zone}). {left}",
    codeSpent: "Se agotaron los intentos con este código: pida uno nuevo.",
    leftOne: "Le queda 1 intento.", leftMany: "Le quedan {n} intentos.",
    requestCancel: "Solicitar baja del servicio", confirmCancel: "Confirmar baja del servicio", withdraw: "Retirar solicitud",
    newCode: "Pedir un código nuevo", reason: "Motivo de la baja",
    ack: "Leí que se eliminará todo el contenido del sitio y los emails.", code: "Código de confirmación",
    debitWarning: "Débito automático: el débito de este vencimiento se procesará igual y no será reintegrado.",
    requested: "Le enviamos un código por email.", codeSent: "Le enviamos un código nuevo por email; el anterior ya no sirve.",
    confirmed: "Baja confirmada: el servicio se dará de baja en las próximas 24 horas. Hasta entonces puede retirar la solicitud.",
    withdrawn: "Solicitud de baja retirada: el servicio sigue activo.",
    renewal: "Renovación", renews: "Se renueva el {day}.", ends: "No se renovará: termina el {day}.",
    renewalUntil: "Se puede cambiar hasta el {day} inclusive ({zone}).", PAST_DEADLINE: "Ya no se puede cambiar: el plazo terminó el {day} inclusive ({zone}).",
    renewOff: "No renovar", renewOn: "Renovar nuevamente", back: "Volver",
    offEnds: "El servicio seguirá funcionando hasta su vencimiento y terminará el {day}.", endDeletes: "Cuando termine se eliminará: {deleted}.",
    offUndo: "Podrá volver a renovarlo hasta el {day} inclusive ({zone}).",
    offDebitStops: "Débito automático: como lo decide antes del {day}, no se debitará este vencimiento.",
    offDebitCharged: "Débito automático: ya pasó el {day}: el débito de este vencimiento se procesará igual y no será reintegrado.",
    onRenews: "El servicio se renovará el {day} y seguirá funcionando.", onCharge: "Con el vencimiento se cobrará el importe del servicio ({amount}).",
    onDebit: "Débito automático: el importe de ese vencimiento se debitará.",
    confirmOff: "Confirmar: no renovar", confirmOn: "Confirmar: renovar",
    renewalOff: "Listo: el servicio no se renovará y termina el {day}.", renewalOn: "Listo: el servicio se renovará el {day}.",
  },
  en: {
    intro: "Request a cancellation with each service's button and confirm it with the code we email you. It takes effect within 24 hours of confirmation.",
    manageNeeded: "You can see the services; to request, confirm or withdraw a cancellation or change the renewal you need the Manage services permission, which the account holder can give you.",
    status: "Status", due: "Due", noDue: "No due date", amount: "Amount", payment: "Payment method",
    MANUAL: "Manual payment", AUTOMATIC_DEBIT: "Automatic debit",
    cancelRule: "Cancellation request", deadline: "It can be requested until {day} inclusive ({zone}).",
    debit: "Automatic debit",
    debitCutoff: "Request the cancellation before {day} so that this due date's debit is not processed.",
    debitCharged: "{day} has passed: if you cancel now, this due date's debit will still be processed and not refunded.",
    deletes: "Cancelling deletes",
    ALREADY_CANCELLED: "Not possible: the service is already cancelled.",
    ALREADY_PENDING: "A cancellation of this service is already under way.",
    PAST_DUE_DATE: "No longer possible: the deadline was {day} inclusive ({zone}), before the due date.",
    effectiveBy: "It will be cancelled by {moment} ({zone}) at the latest. Until then you can withdraw the request.",
    processing: "In progress: the provider is completing the cancellation.",
    codeRule: "Confirmation", codeLeft: "Enter the code we emailed you before {moment} ({zone}). {left}",
    codeSpent: "No attempts left with this code: ask for a new one.",
    leftOne: "1 attempt left.", leftMany: "{n} attempts left.",
    requestCancel: "Request cancellation", confirmCancel: "Confirm cancellation", withdraw: "Withdraw request",
    newCode: "Ask for a new code", reason: "Reason for cancelling",
    ack: "I have read that all site content and email will be deleted.", code: "Confirmation code",
    debitWarning: "Automatic debit: this due date's debit will still be processed and not refunded.",
    requested: "We emailed you a code.", codeSent: "We emailed you a new code; the previous one no longer works.",
    confirmed: "Cancellation confirmed: the service will be cancelled within 24 hours. Until then you can withdraw the request.",
    withdrawn: "Cancellation request withdrawn: the service stays active.",
    renewal: "Renewal", renews: "Renews on {day}.", ends: "Will not renew: it ends on {day}.",
    renewalUntil: "This can be changed until {day} inclusive ({zone}).", PAST_DEADLINE: "It can no longer be changed: the deadline was {day} inclusive ({zone}).",
    renewOff: "Do not renew", renewOn: "Renew again", back: "Back",
    offEnds: "The service keeps working until its due date and ends on {day}.", endDeletes: "When it ends this is deleted: {deleted}.",
    offUndo: "You can renew it again until {day} inclusive ({zone}).",
    offDebitStops: "Automatic debit: as you decide before {day}, this due date will not be debited.",
    offDebitCharged: "Automatic debit: {day} has passed: this due date's debit will still be processed and not refunded.",
    onRenews: "The service will renew on {day} and keep working.", onCharge: "The due date will charge the service's amount ({amount}).",
    onDebit: "Automatic debit: that due date's amount will be debited.",
    confirmOff: "Confirm: do not renew", confirmOn: "Confirm: renew",
    renewalOff: "Done: the service will not renew and ends on {day}.", renewalOn: "Done: the service will renew on {day}.",
  },
});

// A screen word with its {placeholders} filled.

const STATUS = {
  es: { ACTIVE: "Activo", SUSPENDED: "Suspendido", CANCELLATION_PENDING: "Baja pendiente", CANCELLED: "Dado de baja",
    AWAITING_CONFIRMATION: "Esperando confirmación", SCHEDULED: "Baja programada", COMPLETED: "Baja completada",
    WITHDRAWN: "Solicitud retirada", EXPIRED: "Solicitud vencida" },
  en: { ACTIVE: "Active", SUSPENDED: "Suspended", CANCELLATION_PENDING: "Cancellation pending", CANCELLED: "Cancelled",
    AWAITING_CONFIRMATION: "Awaiting confirmation", SCHEDULED: "Cancellation scheduled", COMPLETED: "Cancellation completed",
    WITHDRAWN: "Request withdrawn", EXPIRED: "Request expired" },
};

const statusText = (service, cancellation) =>
  [service.status, cancellation?.status].filter(Boolean).map((code) => STATUS[lang][code] || code).join(" · ");

// Days as the seed writes them (9/12/2026; "Dec 9, 2026" in English, where 12/9 would mislead). A calendar date
// (a due date) has no time zone; a moment (a deadline) is read in the provider's time zone, whatever the browser's.
const DAY = { es: {}, en: { dateStyle: "medium" } };
const MOMENT = { es: { day: "numeric", month: "numeric", year: "numeric", hour: "2-digit", minute: "2-digit" },
  en: { dateStyle: "medium", timeStyle: "short" } };
const calendarDay = (isoDate) => new Intl.DateTimeFormat(lang, { ...DAY[lang], timeZone: "UTC" }).format(new Date(`${isoDate}T00:00:00Z`));
const dayIn = (moment, timeZone) => new Intl.DateTimeFormat(lang, { ...DAY[lang], timeZone }).format(moment);
const momentIn = (moment, timeZone) => new Intl.DateTimeFormat(lang, { ...MOMENT[lang], timeZone }).format(new Date(moment));
const zoneName = (timeZone) => new Intl.DateTimeFormat(lang, { timeZone, timeZoneName: "longGeneric" })
  .formatToParts(new Date()).find((part) => part.type === "timeZoneName").value;
// Amounts as the provider's customers write them: "$ 8.000,00" in Argentina and Mexico, grouped from four digits.
const MONEY_LOCALE = { ARS: "es-AR", MXN: "es-MX" };
const money = ({ amount, currency }) => new Intl.NumberFormat(lang === "es" ? MONEY_LOCALE[currency] || "es" : "en",
  { style: "currency", currency, currencyDisplay: "narrowSymbol", useGrouping: "always" }).format(Number(amount));

// The deadline is the first moment of the due date: the last day to ask is the one before, inclusive.
const lastDay = (deadline, zone) => dayIn(new Date(Date.parse(deadline) - 1), zone);

const SERVICES = `query Services { provider { timeZone } viewer { account { services(first: 50) { edges { node {
  id name domain status paymentMethod nextDueDate recurringAmount { amount currency }
  cancellation { id status effectiveBy overdueAt codeExpiresAt attemptsLeft }
  cancellationPreview { canRequest blockers requestDeadline automaticDebitCutoff nextDebitWillBeCharged dataDeleted }
  renewal { renews canChange blockers changeDeadline endsAt nextDebitWillBeCharged } } } } } } }`;

const cardOf = (serviceId) => `[data-service="${CSS.escape(serviceId)}"]`;
const actionsOf = (serviceId) => `${cardOf(serviceId)} .actions`;

// Events come in bursts (each subscription starts with the current state): one reading of the list at a time,
// and one more after it when anything arrived meanwhile.
let reading = null;
let again = false;
function reread() {
  if (reading) { again = true; return; }
  reading = gql(SERVICES).then((data) => onScreen() && show(data)).catch((error) => flash(error.message, "error")).finally(() => {
    reading = null;
    if (again) { again = false; reread(); }
  });
}
// The person may have gone to another screen meanwhile: a live reading never replaces it.
const onScreen = () => Boolean(document.querySelector(".services"));

// A live event for a service on screen: its status now (a cancellation's event tells both), then the whole list
// (the facts and buttons change too).
function refresh({ service, cancellation }) {
  const cell = document.querySelector(`${cardOf(service.id)} .status`);
  if (!cell) return;
  if (cancellation) cell.textContent = statusText(service, cancellation);
  reread();
}

// Back after the live socket dropped: events may have been missed, so the list is read again (if on screen).
function resume() {
  if (onScreen()) reread();
}

const fact = (term, value, className = "") => `<div><dt>${esc(term)}</dt><dd class="${className}">${value}</dd></div>`;

// What the rules say about this service now, before any button is pressed. An open request speaks for itself (its
// code or its date); otherwise the deadline, or why there is none. NOT_ALLOWED is the person's, said above the list.
function facts(s, zone) {
  const p = s.cancellationPreview;
  const c = s.cancellation;
  const zoneText = zoneName(zone);
  const blocked = p.blockers.filter((b) => !["NOT_ALLOWED", "ALREADY_PENDING"].includes(b));
  const deadline = p.requestDeadline && { day: lastDay(p.requestDeadline, zone), zone: zoneText };
  const rows = [
    fact(t("status"), esc(statusText(s, c)), "status"),
    fact(t("due"), esc(s.nextDueDate ? calendarDay(s.nextDueDate) : t("noDue"))),
    s.recurringAmount && fact(t("amount"), esc(money(s.recurringAmount))),
    fact(t("payment"), esc(t(s.paymentMethod))),
    renewalFact(s, zone, zoneText),
  ];
  if (c?.status === "AWAITING_CONFIRMATION") rows.push(fact(t("codeRule"), esc(codeText(c, zone, zoneText)), "code-rule"));
  // Past its promised moment it is being processed: the panel says so rather than show a date gone by.
  else if (c?.status === "SCHEDULED" && c.overdueAt) rows.push(fact(t("cancelRule"), esc(t("processing")), "processing"));
  else if (c?.status === "SCHEDULED") rows.push(fact(t("cancelRule"), esc(t("effectiveBy", { moment: momentIn(c.effectiveBy, zone), zone: zoneText }))));
  else if (blocked.length) rows.push(fact(t("cancelRule"), blocked.map((b) => esc(t(b, deadline || {}))).join("<br>"), "blockers"));
  else if (deadline) rows.push(fact(t("cancelRule"), esc(t("deadline", deadline)), "deadline"));
  // What a cancellation still to be requested or confirmed would mean.
  if (!blocked.length && c?.status !== "SCHEDULED") {
    const cutoff = p.automaticDebitCutoff && { day: calendarDay(p.automaticDebitCutoff) };
    if (cutoff) rows.push(fact(t("debit"), esc(t(p.nextDebitWillBeCharged ? "debitCharged" : "debitCutoff", cutoff)), "debit"));
    rows.push(fact(t("deletes"), `<ul>${p.dataDeleted.map((item) => `<li>${esc(item)}</li>`).join("")}</ul>`));
  }
  return `<dl class="facts">${rows.filter(Boolean).join("")}</dl>`;
}

// Whether it renews at its due date and until when that can change; nothing once its end is decided otherwise.
const SETTLED = ["ALREADY_CANCELLED", "CANCELLATION_PENDING", "NO_DUE_DATE"];
function renewalFact(s, zone, zoneText) {
  const r = s.renewal;
  if (r.blockers.some((b) => SETTLED.includes(b))) return "";
  const state = r.renews ? t("renews", { day: calendarDay(s.nextDueDate) }) : t("ends", { day: dayIn(new Date(r.endsAt), zone) });
  const change = r.changeDeadline && t(r.blockers.includes("PAST_DEADLINE") ? "PAST_DEADLINE" : "renewalUntil",
    { day: lastDay(r.changeDeadline, zone), zone: zoneText });
  return fact(t("renewal"), esc([state, change].filter(Boolean).join(" ")), "renewal");
}

const attemptsText = (n) => (n === 1 ? t("leftOne") : t("leftMany", { n }));
const codeText = (c, zone, zoneText) => (c.attemptsLeft > 0
  ? t("codeLeft", { moment: momentIn(c.codeExpiresAt, zone), zone: zoneText, left: attemptsText(c.attemptsLeft) })
  : t("codeSpent"));

function card(s, zone) {
  const item = document.createElement("li");
  item.className = "service";
  item.dataset.service = s.id;
  item.innerHTML = `<h3>${esc(s.name)}${s.domain ? ` <small>${esc(s.domain)}</small>` : ""}</h3>${facts(s, zone)}<div class="actions"></div>`;
  if (may("MANAGE_SERVICES")) item.querySelector(".actions").append(...actions(s, zone));
  return item;
}

// The buttons a service offers now; none when the rules say no (the facts say why).
function actions(s, zone) {
  const c = s.cancellation;
  const awaiting = c?.status === "AWAITING_CONFIRMATION";
  const found = [];
  if (s.cancellationPreview.canRequest) found.push(button(t("requestCancel"), "request-cancel", () => cancellationForm(s, zone)));
  if (awaiting && c.attemptsLeft > 0) found.push(button(t("confirmCancel"), "confirm-cancel", () => confirmForm(s)));
  if (awaiting && c.attemptsLeft === 0) found.push(button(t("newCode"), "resend-code", (clicked) => resendCode(s, clicked)));
  if (awaiting || (c?.status === "SCHEDULED" && !c.overdueAt)) found.push(button(t("withdraw"), "withdraw-cancel", (clicked) => withdraw(s, clicked)));
  if (s.renewal.canChange) {
    const renew = !s.renewal.renews;
    found.push(button(t(renew ? "renewOn" : "renewOff"), renew ? "renewal-on" : "renewal-off", () => renewalForm(s, zone, renew)));
  }
  return found;
}

export async function servicesView() {
  show(await gql(SERVICES));
}

function show(data) {
  const zone = data.provider.timeZone;
  const edges = data.viewer.account.services.edges;
  // A live refresh redraws the list: each service keeps its messages and its open form.
  const kept = [...document.querySelectorAll("[data-service] > .msg, [data-service] > .service-form")];
  const section = document.createElement("section");
  section.innerHTML = `<h2>${t("navServices")}</h2><p>${t("intro")}</p>
    ${may("MANAGE_SERVICES") ? "" : `<p id="manage-needed">${t("manageNeeded")}</p>`}
    ${edges.length ? "" : `<p>${t("none")}</p>`}<ul class="services"></ul>`;
  section.querySelector(".services").append(...edges.map(({ node }) => card(node, zone)));
  for (const element of kept) section.querySelector(cardOf(element.closest("[data-service]").dataset.service))?.append(element);
  view().replaceChildren(section);
  watchServices(refresh, resume);
}

// A form opens inside the card of the service it is about, one at a time.
function openForm(s, content) {
  document.querySelector(".service-form")?.remove();
  content.classList.add("service-form");
  document.querySelector(cardOf(s.id)).append(content);
  content.querySelector("input:not([type=checkbox])")?.focus();
  content.scrollIntoView({ block: "nearest" });
}

// After an action: the list as it is now, and the news in the service's card.
async function done(s, message, kind = "ok") {
  document.querySelector(".service-form")?.remove();
  await servicesView();
  say(actionsOf(s.id), message, kind);
}

function cancellationForm(s, zone) {
  const p = s.cancellationPreview;
  openForm(s, form(
    `<h4>${t("requestCancel")}: ${esc(s.name)}</h4>
     ${p.requestDeadline ? `<p>${esc(t("deadline", { day: lastDay(p.requestDeadline, zone), zone: zoneName(zone) }))}</p>` : ""}
     ${p.nextDebitWillBeCharged ? `<p class="warning" id="debit-warning">${t("debitWarning")}</p>` : ""}
     <p>${t("deletes")}: ${p.dataDeleted.map(esc).join(", ")}</p>
     ${field(t, "reason", "reason")}<label class="check"><input type="checkbox" name="ack"> ${t("ack")}</label>
     <button id="request-submit">${t("requestCancel")}</button>`,
    async ({ reason, ack }, _, submitter) => {
      const data = await gql(`mutation Request($i: ServiceCancellationRequestInput!) { serviceCancellationRequest(input: $i) { errors { message } warnings { message } } }`,
        { i: { serviceId: s.id, reason, acknowledgeDataDeletion: ack === "on" } });
      if (payloadErrors(data.serviceCancellationRequest, submitter)) return;
      const warnings = data.serviceCancellationRequest.warnings.map((w) => w.message);
      await done(s, [t("requested"), ...warnings].join(" "), warnings.length ? "warning" : "ok");
    },
  ));
}

function confirmForm(s) {
  openForm(s, form(
    `<h4>${t("confirmCancel")}: ${esc(s.name)}</h4>${field(t, "code", "code")}<button id="confirm-submit">${t("confirmCancel")}</button>`,
    async ({ code }, _, submitter) => {
      const data = await gql(`mutation Confirm($i: ServiceCancellationConfirmInput!) { serviceCancellationConfirm(input: $i) { errors { code message } } }`,
        { i: { cancellationId: s.cancellation.id, code } });
      const { errors } = data.serviceCancellationConfirm;
      // Attempts used up: the card now offers a new code, and says why next to it.
      if (errors.some((e) => e.code === "TOO_MANY_ATTEMPTS")) return done(s, errors.map((e) => e.message).join(" "), "error");
      if (!errors.length) return done(s, t("confirmed"));
      await servicesView(); // the attempts left, as the card states them, are one fewer now
      payloadErrors(data.serviceCancellationConfirm, submitter);
    },
  ));
}

async function resendCode(s, clicked) {
  const data = await gql(`mutation Resend($i: ServiceCancellationCodeResendInput!) { serviceCancellationCodeResend(input: $i) { errors { message } } }`,
    { i: { cancellationId: s.cancellation.id } });
  if (payloadErrors(data.serviceCancellationCodeResend, clicked)) return;
  await done(s, t("codeSent"));
}

async function withdraw(s, clicked) {
  const data = await gql(`mutation Withdraw($i: ServiceCancellationWithdrawInput!) { serviceCancellationWithdraw(input: $i) { errors { message } } }`,
    { i: { cancellationId: s.cancellation.id } });
  if (payloadErrors(data.serviceCancellationWithdraw, clicked)) return;
  await done(s, t("withdrawn"));
}

// What switching renewal means, said before it is confirmed: when the service ends (and what goes), or that it
// renews and is charged; with automatic debit, whether this due date is still debited.
function renewalForm(s, zone, renew) {
  const r = s.renewal;
  const p = s.cancellationPreview;
  const zoneText = zoneName(zone);
  const due = calendarDay(s.nextDueDate);
  const cutoff = p.automaticDebitCutoff && { day: calendarDay(p.automaticDebitCutoff) };
  const consequences = renew
    ? [t("onRenews", { day: due }), s.recurringAmount && t("onCharge", { amount: money(s.recurringAmount) }), cutoff && t("onDebit")]
    : [t("offEnds", { day: due }), t("endDeletes", { deleted: p.dataDeleted.join("; ") }),
      cutoff && t(r.nextDebitWillBeCharged ? "offDebitCharged" : "offDebitStops", cutoff),
      t("offUndo", { day: lastDay(r.changeDeadline, zone), zone: zoneText })];
  const content = form(
    `<h4>${t(renew ? "renewOn" : "renewOff")}: ${esc(s.name)}</h4>
     <ul>${consequences.filter(Boolean).map((line) => `<li>${esc(line)}</li>`).join("")}</ul>
     <div class="form-buttons"><button id="renewal-submit">${t(renew ? "confirmOn" : "confirmOff")}</button></div>`,
    async (_, __, submitter) => {
      const data = await gql(`mutation Renewal($i: ServiceRenewalSetInput!) { serviceRenewalSet(input: $i) { errors { message } warnings { message } } }`,
        { i: { serviceId: s.id, renew } });
      if (payloadErrors(data.serviceRenewalSet, submitter)) return;
      const warnings = data.serviceRenewalSet.warnings.map((w) => w.message);
      await done(s, [t(renew ? "renewalOn" : "renewalOff", { day: due }), ...warnings].join(" "), warnings.length ? "warning" : "ok");
    },
  );
  content.querySelector(".form-buttons").append(button(t("back"), "renewal-back", () => content.remove()));
  openForm(s, content);
}
