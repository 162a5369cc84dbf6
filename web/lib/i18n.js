// The panel's language and its words. Each screen keeps its own words (`texts`); the shared ones are here.

// The choice made with the switch on this browser; without one, the signed-in person's stored preference, else Spanish.
export let lang = localStorage.getItem("lang") || "es";
export const languageChosen = () => Boolean(localStorage.getItem("lang"));

// `remember`: the switch was used (kept on this browser); otherwise only this page follows the person's preference.
export function setLang(value, remember = true) {
  lang = value;
  if (remember) localStorage.setItem("lang", value);
}

// Words used across screens; a screen's own words live in its module.
const COMMON = {
  es: {
    title: "Panel de Clientes", skip: "Ir al contenido", signOut: "Salir", menu: "Menú", sections: "Secciones", accountMenu: "Menú de la cuenta",
    editAccount: "Editar detalles de la cuenta", contactsMenu: "Contactos/Sub-cuentas", changePasswordMenu: "Cambiar Contraseña",
    navHome: "Inicio", navHolder: "Datos del titular", navServices: "Servicios",
    navContacts: "Contactos", navMail: "Emails Recibidos", navSecurity: "Seguridad", navTokens: "Acceso para integraciones", clientNumber: "Número de cliente",
    email: "Email", none: "Nada por aquí.", stepUpTitle: "Confirme su clave",
    stepUp: "Por seguridad, confirme su clave actual para hacer este cambio.", stepUpPassword: "Clave actual",
    stepUpConfirm: "Confirmar", stepUpCancel: "Cancelar", stepUpCancelled: "No se hizo el cambio: hace falta confirmar su clave.",
    stepUpCode: "Código de su aplicación de autenticación (o un código de recuperación)", stepUpPasskey: "Usar una llave de acceso",
    mustChange: "Debe elegir una clave nueva antes de continuar.", sessionEnded: "Su sesión terminó. Ingrese de nuevo para continuar.",
    unreachable: "No pudimos comunicarnos con el panel. Revise su conexión y vuelva a intentarlo.",
  },
  en: {
    title: "Client Panel", skip: "Skip to the content", signOut: "Sign out", menu: "Menu", sections: "Sections", accountMenu: "Account menu",
    editAccount: "Edit account details", contactsMenu: "Contacts/Sub-accounts", changePasswordMenu: "Change Password",
    navHome: "Home", navHolder: "Holder data", navServices: "Services",
    navContacts: "Contacts", navMail: "Received emails", navSecurity: "Security", navTokens: "Integration access", clientNumber: "Client number",
    email: "Email", none: "Nothing here.", stepUpTitle: "Confirm your password",
    stepUp: "For your security, confirm your current password to make this change.", stepUpPassword: "Current password",
    stepUpConfirm: "Confirm", stepUpCancel: "Cancel", stepUpCancelled: "Nothing was changed: your password must be confirmed.",
    stepUpCode: "Code from your authenticator app (or a recovery code)", stepUpPasskey: "Use a passkey",
    mustChange: "Choose a new password before going on.", sessionEnded: "Your session ended. Sign in again to go on.",
    unreachable: "We could not reach the panel. Check your connection and try again.",
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

// A screen's words in both languages: `const t = texts({ es: {...}, en: {...} })`, then `t("key")`, or
// `t("key", { name })` to fill the text's {name} placeholders. Unknown keys fall back to the shared words, then
// to the key itself.
export function texts(own) {
  return (key, values = null) => {
    const text = own[lang]?.[key] ?? COMMON[lang][key] ?? key;
    return values ? text.replace(/\{(\w+)\}/g, (placeholder, name) => String(values[name] ?? placeholder)) : text;
  };
}

export const t = texts({ es: {}, en: {} });
export const label = (code) => LABELS[lang][code] || code;

// Dates and times as the person reads them.
export const dateTime = (value) => new Date(value).toLocaleString(lang);
