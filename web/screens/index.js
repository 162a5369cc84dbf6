// Every screen of the signed-in panel: its hash, the permission it needs (null: everyone signed in), its name in the
// left menu (a key of lib/i18n.js's shared words, or `{ es: "...", en: "..." }`) and how to show it. The left menu
// lists them in this order.
import { contactsView } from "./contacts.js";
import { holderView } from "./holder.js";
import { homeView } from "./home.js";
import { mailView } from "./mail.js";
import { securityView } from "./security.js";
import { servicesView } from "./services.js";
import { tokensView } from "./tokens.js";

export const SCREENS = {
  home: { needs: null, label: "navHome", show: homeView },
  holder: { needs: "PROFILE", label: "navHolder", show: holderView },
  services: { needs: "SERVICES", label: "navServices", show: servicesView },
  contacts: { needs: "CONTACTS", label: "navContacts", show: contactsView },
  mail: { needs: null, label: "navMail", show: () => mailView() },
  security: { needs: null, label: "navSecurity", show: securityView },
  tokens: { needs: "SECURITY", label: "navTokens", show: tokensView },
};
