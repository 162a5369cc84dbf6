// The panel's language and its words. Each screen keeps its own words (`texts`); the shared ones are here.

export let lang = localStorage.getItem("lang") || "es";

export function setLang(value) {
  lang = value;
  localStorage.setItem("lang", value);
}

// Words used across screens; a screen's own words live in its module.
const COMMON = {
  es: {
    title: "Panel de Clientes", signOut: "Salir", navHome: "Inicio", navHolder: "Datos del titular", navServices: "Servicios",
    navContacts: "Contactos", navMail: "Emails Recibidos", navSecurity: "Seguridad", navTokens: "Acceso para integraciones", clientNumber: "Número de cliente",
    email: "Email", none: "Nada por aquí.", stepUp: "Por seguridad, confirme su clave actual para hacer este cambio:",
    mustChange: "Debe elegir una clave nueva antes de continuar.",
  },
  en: {
    title: "Client Panel", signOut: "Sign out", navHome: "Home", navHolder: "Holder data", navServices: "Services",
    navContacts: "Contacts", navMail: "Received emails", navSecurity: "Security", navTokens: "Integration access", clientNumber: "Client number",
    email: "Email", none: "Nothing here.", stepUp: "For your security, confirm your current password to make this change:",
    mustChange: "Choose a new password before going on.",
  },
};

// Codes the API returns, in words (the screen never shows a raw code).
const LABELS = {
  es: { PROFILE: "Datos del titular", CONTACTS: "Contactos", SERVICES: "Servicios", MANAGE_SERVICES: "Gestionar servicios",
    MAIL: "Emails", SECURITY: "Seguridad", GENERAL: "General", PRODUCTS: "Productos", DOMAINS: "Dominios", NOTES: "Notas",
    SUPPORT: "Soporte" },
  en: { PROFILE: "Holder data", CONTACTS: "Contacts", SERVICES: "Services", MANAGE_SERVICES: "Manage services",
    MAIL: "Emails", SECURITY: "Security", GENERAL: "General", PRODUCTS: "Products", DOMAINS: "Domains", NOTES: "Notes",
    SUPPORT: "Support" },
};

// A screen's words in both languages: `const t = texts({ es: {...}, en: {...} })`, then `t("key")`.
// Unknown keys fall back to the shared words, then to the key itself.
export function texts(own) {
  return (key) => own[lang]?.[key] ?? COMMON[lang][key] ?? key;
}

export const t = texts({ es: {}, en: {} });
export const label = (code) => LABELS[lang][code] || code;

// Dates and times as the person reads them.
export const dateTime = (value) => new Date(value).toLocaleString(lang);
