// Services and their cancellation (seed 003), with the live status.
import { gql } from "../lib/api.js";
import { dateTime, lang, texts } from "../lib/i18n.js";
import { watchCancellations } from "../lib/live.js";
import { may } from "../lib/session.js";
import { button, esc, field, flash, form, payloadErrors, say, view } from "../lib/ui.js";

const t = texts({
  es: {
    requestCancel: "Solicitar baja", confirmCancel: "Confirmar baja", withdraw: "Retirar solicitud", reason: "Motivo",
    ack: "Leí que se eliminará todo el contenido del sitio y los emails.", code: "Código de confirmación",
    deadline: "Plazo para pedir la baja", debitWarning: "Débito automático: el próximo débito se procesará y no será reintegrado.",
    deleted: "Se eliminará", requested: "Le enviamos un código por email.",
    confirmed: "Baja confirmada: el servicio se dará de baja en las próximas 24 horas. Hasta entonces puede retirar la solicitud.",
    withdrawn: "Solicitud de baja retirada: el servicio sigue activo.",
    manageNeeded: "Para solicitar o confirmar bajas necesita el permiso Gestionar servicios.",
  },
  en: {
    requestCancel: "Request cancellation", confirmCancel: "Confirm cancellation", withdraw: "Withdraw request", reason: "Reason",
    ack: "I have read that all site content and email will be deleted.", code: "Confirmation code",
    deadline: "Deadline to request", debitWarning: "Automatic debit: the next debit will be processed and not refunded.",
    deleted: "Will be deleted", requested: "We emailed you a code.",
    confirmed: "Cancellation confirmed: the service will be cancelled within 24 hours. Until then you can withdraw the request.",
    withdrawn: "Cancellation request withdrawn: the service stays active.",
    manageNeeded: "To request or confirm cancellations you need the Manage services permission.",
  },
});

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

const SERVICES = `query Services { viewer { account { services(first: 50) { edges { node { id name domain status paymentMethod nextDueDate
  cancellation { id status effectiveBy attemptsLeft }
  cancellationPreview { canRequest blockers requestDeadline automaticDebitCutoff nextDebitWillBeCharged dataDeleted } } } } } } }`;

const actionsOf = (serviceId) => `[data-service="${CSS.escape(serviceId)}"] .actions`;

// A live event for a service on screen: its status now, then the whole table (the buttons change too).
function refresh({ service, cancellation }) {
  const cell = document.querySelector(`[data-service="${CSS.escape(service.id)}"] .status`);
  if (!cell) return;
  cell.textContent = statusText(service, cancellation);
  servicesView().catch((error) => flash(error.message, "error"));
}

export async function servicesView() {
  const edges = (await gql(SERVICES)).viewer.account.services.edges;
  // A live refresh redraws the table: the messages shown in each service's row stay with it.
  const kept = [...document.querySelectorAll("[data-service] .actions .msg")].map((m) => [m.closest("[data-service]").dataset.service, m]);
  const section = document.createElement("section");
  section.innerHTML = `<h2>${t("navServices")}</h2>${may("MANAGE_SERVICES") ? "" : `<p id="manage-needed">${t("manageNeeded")}</p>`}
    <table><tbody>${edges.map(({ node: s }) => `
    <tr data-service="${esc(s.id)}"><td>${esc(s.name)}<br><small>${esc(s.domain)}</small></td>
    <td class="status">${esc(statusText(s, s.cancellation))}</td>
    <td class="actions"></td></tr>`).join("")}</tbody></table>`;
  for (const { node: s } of edges) {
    const actions = section.querySelector(actionsOf(s.id));
    if (!may("MANAGE_SERVICES")) continue;
    const open = s.cancellation && ["AWAITING_CONFIRMATION", "SCHEDULED"].includes(s.cancellation.status);
    if (s.cancellationPreview.canRequest) actions.append(button(t("requestCancel"), "request-cancel", () => cancellationForm(s)));
    if (open && s.cancellation.status === "AWAITING_CONFIRMATION") actions.append(button(t("confirmCancel"), "confirm-cancel", () => confirmForm(s)));
    if (open) actions.append(button(t("withdraw"), "withdraw-cancel", async (clicked) => {
      const data = await gql(`mutation Withdraw($i: ServiceCancellationWithdrawInput!) { serviceCancellationWithdraw(input: $i) { errors { message } } }`, { i: { cancellationId: s.cancellation.id } });
      if (payloadErrors(data.serviceCancellationWithdraw, clicked)) return;
      await servicesView();
      say(actionsOf(s.id), t("withdrawn"));
    }));
  }
  for (const [serviceId, message] of kept) section.querySelector(actionsOf(serviceId))?.append(message);
  view().replaceChildren(section);
  watchCancellations(refresh);
}

// The cancellation forms open in a row right below the service they are about.
function cancelPanel(s, content) {
  document.querySelector("#cancel-panel")?.remove();
  const row = document.createElement("tr");
  row.id = "cancel-panel";
  const cell = document.createElement("td");
  cell.colSpan = 3;
  cell.append(content);
  row.append(cell);
  document.querySelector(`[data-service="${CSS.escape(s.id)}"]`).after(row);
  content.querySelector("input:not([type=checkbox])")?.focus();
  row.scrollIntoView({ block: "nearest" });
}

async function cancellationForm(s) {
  const p = s.cancellationPreview;
  cancelPanel(s, form(
    `<h3>${t("requestCancel")}: ${esc(s.name)}</h3>
     ${p.requestDeadline ? `<p>${t("deadline")}: ${esc(dateTime(p.requestDeadline))}</p>` : ""}
     ${p.nextDebitWillBeCharged ? `<p class="warning" id="debit-warning">${t("debitWarning")}</p>` : ""}
     <p>${t("deleted")}: ${p.dataDeleted.map(esc).join(", ")}</p>
     ${field(t, "reason", "reason")}<label><span><input type="checkbox" name="ack"> ${t("ack")}</span></label>
     <button id="request-submit">${t("requestCancel")}</button>`,
    async ({ reason, ack }, _, submitter) => {
      const data = await gql(`mutation Request($i: ServiceCancellationRequestInput!) { serviceCancellationRequest(input: $i) { errors { message } warnings { message } } }`,
        { i: { serviceId: s.id, reason, acknowledgeDataDeletion: ack === "on" } });
      if (payloadErrors(data.serviceCancellationRequest, submitter)) return;
      await servicesView();
      const warnings = data.serviceCancellationRequest.warnings.map((w) => w.message);
      say(actionsOf(s.id), [t("requested"), ...warnings].join(" "), warnings.length ? "warning" : "ok");
    },
  ));
}

async function confirmForm(s) {
  cancelPanel(s, form(
    `<h3>${t("confirmCancel")}: ${esc(s.name)}</h3>${field(t, "code", "code")}<button id="confirm-submit">${t("confirmCancel")}</button>`,
    async ({ code }, _, submitter) => {
      const data = await gql(`mutation Confirm($i: ServiceCancellationConfirmInput!) { serviceCancellationConfirm(input: $i) { errors { message } } }`,
        { i: { cancellationId: s.cancellation.id, code } });
      if (payloadErrors(data.serviceCancellationConfirm, submitter)) return;
      await servicesView();
      say(actionsOf(s.id), t("confirmed"));
    },
  ));
}
