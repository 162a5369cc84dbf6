// A small reference client for the Panel de Clientes API: public GraphQL only, cookie session,
// automatic persisted queries, and the live cancellation status over graphql-transport-ws.
// This module is the shell (menu, language, routing); each screen lives in screens/, shared pieces in lib/.
import { gql } from "./lib/api.js";
import { lang, setLang, t } from "./lib/i18n.js";
import { stopWatching } from "./lib/live.js";
import { may, remember } from "./lib/session.js";
import { $, clearMessages, flash, view } from "./lib/ui.js";
import { SCREENS } from "./screens/index.js";
import { invitationView } from "./screens/invitation.js";
import { passwordForm } from "./screens/security.js";
import { emailConfirmView, recoveryConfirmView, recoveryView, signInView } from "./screens/signed-out.js";

const SIGNED_OUT_PAGES = { "/recuperar": recoveryConfirmView, "/invitacion": invitationView, "/confirmar-email": emailConfirmView };

function showMenu(signedIn) {
  $("#menu").hidden = !signedIn;
  $("#signout").hidden = !signedIn;
  document.querySelectorAll("#menu a").forEach((link) => {
    link.hidden = Boolean(link.dataset.needs) && !may(link.dataset.needs);
    if (link.getAttribute("href") === location.hash) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  });
}

async function route() {
  const params = new URLSearchParams(location.search);
  const signedOutPage = SIGNED_OUT_PAGES[location.pathname];
  if (signedOutPage && params.get("token")) { showMenu(false); return signedOutPage(params.get("token"), route); }
  // Only what is always readable: the permissions say what else to ask for.
  const { viewer } = await gql(`query Viewer { viewer { mustChangePassword permissions account { clientNumber } contact { firstName lastName email } } }`);
  remember(viewer);
  $("#who").textContent = viewer ? (viewer.contact?.email || `${t("clientNumber")} ${viewer.account.clientNumber}`) : "";
  if (!viewer) { showMenu(false); return location.hash === "#recover" ? recoveryView() : signInView(route); }
  if (viewer.mustChangePassword) {
    showMenu(false);
    $("#signout").hidden = false;
    view().replaceChildren(passwordForm(route));
    return flash(t("mustChange"), "warning");
  }
  const chosen = SCREENS[location.hash.slice(1)];
  const allowed = (screen) => screen && (!screen.needs || may(screen.needs));
  const screen = allowed(chosen) ? chosen : (may("PROFILE") ? SCREENS.holder : SCREENS.home);
  showMenu(true);
  return screen.show();
}

function translateStatic() {
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-t]").forEach((element) => { element.textContent = t(element.dataset.t); });
  $("#lang").textContent = lang === "es" ? "English" : "Español";
}

// Another screen: the messages of the last one go.
const navigate = () => { clearMessages(); return route().catch((error) => flash(error.message, "error")); };

$("#lang").addEventListener("click", async () => {
  setLang(lang === "es" ? "en" : "es");
  translateStatic();
  await navigate();
});
$("#signout").addEventListener("click", async () => {
  await gql(`mutation SignOut { signOut { errors { message } } }`);
  stopWatching();
  location.hash = "";
  await navigate();
});
window.addEventListener("hashchange", navigate);
translateStatic();
route().catch((error) => flash(error.message, "error"));
