// The shell's two menus (seeds 000-004): the sections in the left menu, collapsible behind "Menú" on phones, and the
// account menu hanging from the person's name top right ("Editar detalles de la cuenta", ..., "Salir"). Each opens
// from a disclosure button (aria-expanded); Escape closes it and gives the focus back to its button.
import { lang, t } from "./i18n.js";
import { may } from "./session.js";
import { $, button } from "./ui.js";

// The account menu of seed 004: the screen each item opens (shown only when permitted) and its words; then "Salir".
const ACCOUNT_ITEMS = [["holder", "editAccount"], ["contacts", "contactsMenu"], ["security", "changePasswordMenu"], ["mail", "navMail"]];
const shown = { screens: {}, current: null, signOut: () => {} };

// Opens and closes `panel` from `button`; `setOpen(open)` shows it. A click outside closes it, and so does focus
// moving elsewhere when `focusBound` (a phone's left menu stays open while the person tabs towards it).
function disclosure(button, panel, setOpen, focusBound) {
  const open = (value) => { button.setAttribute("aria-expanded", String(value)); setOpen(value); };
  const isOpen = () => button.getAttribute("aria-expanded") === "true";
  const inside = (node) => button.contains(node) || panel.contains(node);
  button.addEventListener("click", () => open(!isOpen()));
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !isOpen()) return;
    const hadFocus = inside(document.activeElement);
    open(false);
    if (hadFocus) button.focus();
  });
  document.addEventListener("click", (event) => { if (isOpen() && !inside(event.target)) open(false); });
  if (focusBound) document.addEventListener("focusin", (event) => { if (isOpen() && !inside(event.target)) open(false); });
  return open;
}

// A screen's name: a key of the shared words (lib/i18n.js), or its own `{ es, en }`.
const words = (label) => (typeof label === "string" ? t(label) : label[lang]);
const permitted = (hash) => shown.screens[hash] && (!shown.screens[hash].needs || may(shown.screens[hash].needs));

function link(hash, words) {
  const element = document.createElement("a");
  element.href = `#${hash}`;
  element.textContent = words;
  if (hash === shown.current) element.setAttribute("aria-current", "page");
  return element;
}

const listItem = (content) => {
  const item = document.createElement("li");
  item.append(content);
  return item;
};

// The account menu's items exist only while it is open (a closed menu leaves no hidden links behind).
function fillAccountMenu(open) {
  const menu = $("#account-menu");
  menu.hidden = !open;
  if (!open) return menu.replaceChildren();
  const signOut = button(t("signOut"), "sign-out", () => shown.signOut());
  signOut.id = "signout";
  const items = shown.current === null ? [] : ACCOUNT_ITEMS.filter(([hash]) => permitted(hash)).map(([hash, key]) => link(hash, t(key)));
  return menu.replaceChildren(...[...items, signOut].map(listItem));
}

const accountMenu = disclosure($("#account-button"), $("#account-menu"), fillAccountMenu, true);
// On a wide screen the left menu is always shown (CSS); on a phone only while open.
const sectionsMenu = disclosure($("#menu-toggle"), $("#sidebar"), (open) => $("#sidebar").classList.toggle("open", open), false);

// Both menus close once a choice is made (another screen).
export function closeMenus() {
  accountMenu(false);
  sectionsMenu(false);
}

// The menus for `state`: "out" (none), "password" (only "Salir": a new password comes first) or "in" with `current`,
// the screen on show. The left menu lists `screens` (SCREENS) that are permitted; `signOut` is what "Salir" does.
export function showMenus(state, screens, signOut, current = null) {
  Object.assign(shown, { screens, signOut, current: state === "in" ? current : null });
  $("#sidebar").hidden = state !== "in";
  $("#menu-toggle").hidden = state !== "in";
  $("#account").hidden = state === "out";
  closeMenus();
  const sections = state === "in" ? Object.keys(screens).filter(permitted) : [];
  $("#sections").replaceChildren(...sections.map((hash) => listItem(link(hash, words(screens[hash].label)))));
}
