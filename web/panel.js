// A small reference client for the Panel de Clientes API: public GraphQL only, cookie session,
// automatic persisted queries, and the live cancellation status over graphql-transport-ws.
// This module is the shell (routing, language, the person's name); the menus are in lib/menus.js, each screen lives
// in screens/, shared pieces in lib/.
import { gql } from "./lib/api.js";
import { applyBranding } from "./lib/branding.js";
import { lang, languageChosen, setLang, t } from "./lib/i18n.js";
import { stopWatching } from "./lib/live.js";
import { closeMenus, showMenus } from "./lib/menus.js";
import { may, me, remember } from "./lib/session.js";
import { $, clearMessages, flash, say, view } from "./lib/ui.js";
import { enrolmentView } from "./screens/enrolment.js";
import { factorResetCancelView, factorResetConfirmView } from "./screens/factor-reset.js";
import { SCREENS } from "./screens/index.js";
import { invitationView } from "./screens/invitation.js";
import { passwordForm } from "./screens/security.js";
import { emailConfirmView, recoveryConfirmView, recoveryView, signInView } from "./screens/signed-out.js";
import { unsubscribeView } from "./screens/unsubscribe.js";
import { welcomeView } from "./screens/welcome.js";

const SIGNED_OUT_PAGES = {
  "/recuperar": recoveryConfirmView, "/invitacion": invitationView, "/confirmar-email": emailConfirmView, "/bienvenida": welcomeView,
  "/baja-avisos": unsubscribeView, "/restablecer-verificacion": factorResetConfirmView, "/anular-restablecimiento": factorResetCancelView,
};
// Only what is always readable: the permissions say what else to ask for.
const VIEWER = `query Viewer { viewer { mustChangePassword mustEnrolSecondFactor permissions language account { clientNumber } contact { firstName lastName email } } }`;
const HOLDER_NAME = `query HolderName { viewer { account { holder { firstName lastName } } } }`;
const holderNames = new Map(); // client number -> the holder's name, asked once

// The name top right: the contact's, or the holder's (the client number until it may be read).
async function nameOf(viewer) {
  if (viewer.contact) return `${viewer.contact.firstName} ${viewer.contact.lastName}`.trim() || viewer.contact.email;
  const number = viewer.account.clientNumber;
  if (viewer.mustChangePassword || !may("PROFILE")) return `${t("clientNumber")} ${number}`;
  if (!holderNames.has(number)) {
    const { firstName, lastName } = (await gql(HOLDER_NAME)).viewer.account.holder;
    holderNames.set(number, `${firstName} ${lastName}`.trim());
  }
  return holderNames.get(number);
}

// Without a choice made on this browser, the panel speaks the signed-in person's stored language.
function followPreference(viewer) {
  const preferred = viewer.language.toLowerCase();
  if (languageChosen() || preferred === lang) return;
  setLang(preferred, false);
  translateStatic();
}

let latest = 0; // the newest route: an older one still waiting for the server gives way to it

async function route() {
  const params = new URLSearchParams(location.search);
  const signedOutPage = SIGNED_OUT_PAGES[location.pathname];
  if (signedOutPage && params.get("token")) { showMenus("out", SCREENS, signOut); return signedOutPage(params.get("token"), route); }
  const mine = ++latest;
  const { viewer } = await gql(VIEWER);
  if (mine !== latest) return null;
  const ended = !viewer && me.viewer; // the session ended while the page was open (idle, or ended elsewhere)
  if (ended) signedOut();
  remember(viewer);
  if (!viewer) {
    showMenus("out", SCREENS, signOut);
    await (location.hash === "#recover" ? recoveryView() : signInView(route));
    return ended && flash(t("sessionEnded"), "warning");
  }
  followPreference(viewer);
  me.name = await nameOf(viewer);
  if (mine !== latest) return null;
  $("#who").textContent = me.name;
  if (viewer.mustChangePassword) {
    showMenus("password", SCREENS, signOut);
    view().replaceChildren(passwordForm(route));
    return flash(t("mustChange"), "warning");
  }
  if (viewer.mustEnrolSecondFactor) { // the holder requires two-step verification of contacts: enrolment comes first
    showMenus("password", SCREENS, signOut);
    return enrolmentView(route);
  }
  const chosen = location.hash.slice(1);
  const allowed = (key) => SCREENS[key] && (!SCREENS[key].needs || may(SCREENS[key].needs));
  const key = allowed(chosen) ? chosen : (may("PROFILE") ? "holder" : "home");
  showMenus("in", SCREENS, signOut, key);
  return SCREENS[key].show();
}

function translateStatic() {
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-t]").forEach((element) => { element.textContent = t(element.dataset.t); });
  document.querySelectorAll("[data-t-label]").forEach((element) => element.setAttribute("aria-label", t(element.dataset.tLabel)));
  const other = lang === "es" ? "en" : "es";
  $("#lang").textContent = other === "en" ? "English" : "Español";
  $("#lang").lang = other;
}

// Another screen: the messages of the last one go, and so do open menus.
const navigate = () => { clearMessages(); closeMenus(); return route().catch((error) => flash(error.message, "error")); };

// The switch: this browser keeps the choice, and the signed-in person's preference (their emails follow it) too.
$("#lang").addEventListener("click", async () => {
  const chosen = lang === "es" ? "en" : "es";
  setLang(chosen);
  translateStatic();
  const saved = me.viewer && (await gql(`mutation LanguageSet($i: ViewerLanguageSetInput!) { viewerLanguageSet(input: $i) { errors { message } } }`,
    { i: { language: chosen.toUpperCase() } })).viewerLanguageSet;
  await navigate();
  if (saved?.errors.length) say("#lang", saved.errors.map((e) => e.message).join(" "), "error");
});

function signedOut() {
  remember(null);
  stopWatching();
  holderNames.clear();
  if (!languageChosen()) { setLang("es", false); translateStatic(); }
}

// "Salir" (seed 004): the session ends here and on the server.
async function signOut() {
  await gql(`mutation SignOut { signOut { errors { message } } }`);
  signedOut();
  history.replaceState(null, "", "/");
  await navigate();
}

// A request found the session ended: back to the sign-in form, which says why.
window.addEventListener("panel:signed-out", () => me.viewer && navigate());
window.addEventListener("hashchange", navigate);
// "Ir al contenido" moves the focus past the menus (a hash would be taken for a screen).
$("#skip").addEventListener("click", (event) => { event.preventDefault(); $("#content").focus(); });
translateStatic();
applyBranding().catch((error) => flash(error.message, "error"));
route().catch((error) => flash(error.message, "error"));
