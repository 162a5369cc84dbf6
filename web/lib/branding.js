// The provider's brand (its branding file, read through the public `provider` query): name, logo, colours, legal
// footer, support contacts and the links to its billing and help-desk systems. Nothing of a provider is written in
// web/: the shell calls applyBranding() at start-up, and it follows the language switch by itself.
import { gql } from "./api.js";
import { lang, texts } from "./i18n.js";
import { $, esc } from "./ui.js";

const t = texts({
  es: {
    changeHolderUrl: "Cambiar titularidad", billingUrl: "Facturas", paymentsUrl: "Pagos", couponsUrl: "Cupones de pago",
    ticketsUrl: "Tickets de soporte", plansUrl: "Contratar planes", support: "Soporte",
  },
  en: {
    changeHolderUrl: "Change of holder", billingUrl: "Invoices", paymentsUrl: "Payments", couponsUrl: "Payment coupons",
    ticketsUrl: "Support tickets", plansUrl: "Order plans", support: "Support",
  },
});

const PROVIDER = `query Provider { provider { name logoUrl colours { primary onPrimary accent } supportEmail supportPhone
  supportHours legalFooter links { changeHolderUrl billingUrl paymentsUrl couponsUrl ticketsUrl plansUrl } } }`;
const LINKS = ["changeHolderUrl", "billingUrl", "paymentsUrl", "couponsUrl", "ticketsUrl", "plansUrl"];
const asked = {}; // language -> the promise of its answer (prose such as the legal footer is in the language)

// The provider, asked once per language.
export function provider() {
  asked[lang] ??= gql(PROVIDER).then((data) => data.provider);
  return asked[lang];
}

// The countries an address may name, by name in the panel's language (asked once per language; screens share it).
const countryLists = {};
export function countries() {
  countryLists[lang] ??= gql(`query Countries { provider { countries { code name } } }`).then((data) => data.provider.countries);
  return countryLists[lang];
}

const telephone = (phone) => `tel:${phone.replace(/[^+0-9]/g, "")}`;

// "Soporte: email · phone · hours" as HTML, links included; screens use it where they send people to support.
export function supportContacts(p) {
  const parts = [`<a href="mailto:${esc(p.supportEmail)}">${esc(p.supportEmail)}</a>`];
  if (p.supportPhone) parts.push(`<a href="${esc(telephone(p.supportPhone))}">${esc(p.supportPhone)}</a>`);
  if (p.supportHours) parts.push(esc(p.supportHours));
  return `${esc(t("support"))}: ${parts.join(" · ")}`;
}

// The provider's links that are set, with the panel's words for them (they open in the same tab).
export function linkList(p, keys = LINKS) {
  return keys.filter((key) => p.links[key]).map((key) => ({ key, href: p.links[key], text: t(key) }));
}

function fillPlaceholders(p) {
  const name = $("#brand-name");
  if (name) name.textContent = p.name;
  const logo = $("#brand-logo");
  if (logo) {
    logo.hidden = !p.logoUrl;
    if (p.logoUrl) logo.src = p.logoUrl;
    logo.alt = name ? "" : p.name; // beside the name, the logo says nothing more (axe: image-redundant-alt)
  }
  const legal = $("#legal");
  if (legal) legal.innerHTML = `<p>${esc(p.legalFooter)}</p><p>${supportContacts(p)}</p>`;
  const nav = $("#provider-links");
  if (nav) {
    nav.replaceChildren(...linkList(p).map(({ key, href, text }) => {
      const link = document.createElement("a");
      link.href = href;
      link.textContent = text;
      link.dataset.link = key;
      return link;
    }));
  }
}

// Puts the provider's brand on the page: placeholders that are missing are left alone.
export async function applyBranding() {
  const p = await provider();
  const style = document.documentElement.style;
  style.setProperty("--brand-primary", p.colours.primary);
  style.setProperty("--brand-on-primary", p.colours.onPrimary);
  style.setProperty("--brand-accent", p.colours.accent);
  document.title = `${p.name} · ${t("title")}`;
  fillPlaceholders(p);
  return p;
}

// The shell sets <html lang> on the language switch: the prose follows.
new MutationObserver(() => applyBranding()).observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });
