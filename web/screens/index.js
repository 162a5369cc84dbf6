// Every screen of the signed-in panel: its hash, the permission it needs (null: everyone signed in) and how to show it.
import { contactsView } from "./contacts.js";
import { holderView } from "./holder.js";
import { homeView } from "./home.js";
import { mailView } from "./mail.js";
import { securityView } from "./security.js";
import { servicesView } from "./services.js";
import { tokensView } from "./tokens.js";

export const SCREENS = {
  home: { needs: null, show: homeView },
  holder: { needs: "PROFILE", show: holderView },
  services: { needs: "SERVICES", show: servicesView },
  contacts: { needs: "CONTACTS", show: contactsView },
  mail: { needs: null, show: () => mailView() },
  security: { needs: null, show: securityView },
  tokens: { needs: "SECURITY", show: tokensView },
};
