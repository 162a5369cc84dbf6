// The shell's two menus (seeds 000-004): the sections in the left menu, collapsible behind "Menú" on phones, and the
// account menu hanging from the person's name top right ("Editar detalles de la cuenta", ..., "Salir"). Each opens
// from a disclosure button (aria-expanded); Escape closes it and gives the focus back to its button.
import { t } from "./i18n.js";
import { may } from "./session.js";
import { $ } from "./ui.js";

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

const accountMenu = disclosure($("#account-button"), $("#account-menu"), (open) => { $("#account-menu").hidden = !open; }, true);
// On a wide screen the left menu is always shown (CSS); on a phone only while open.
const sectionsMenu = disclosure($("#menu-toggle"), $("#sidebar"), (open) => $("#sidebar").classList.toggle("open", open), false);

// Both menus close once a choice is made (another screen).
export function closeMenus() {
  accountMenu(false);
  sectionsMenu(false);
}

function markCurrent(link, current) {
  if (link.getAttribute("href") === `#${current}`) link.setAttribute("aria-current", "page");
  else link.removeAttribute("aria-current");
}

// The menus for `state`: "out" (none), "password" (only "Salir": a new password comes first) or "in"; `screens`
// (SCREENS) make the left menu, each shown only when permitted, `current` is the screen on show.
export function showMenus(state, screens, current = null) {
  $("#sidebar").hidden = state !== "in";
  $("#menu-toggle").hidden = state !== "in";
  $("#account").hidden = state === "out";
  closeMenus();
  const allowed = Object.entries(screens).filter(([, screen]) => !screen.needs || may(screen.needs));
  $("#sections").replaceChildren(...(state === "in" ? allowed : []).map(([hash, screen]) => {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = `#${hash}`;
    link.textContent = t(screen.label);
    markCurrent(link, current);
    item.append(link);
    return item;
  }));
  document.querySelectorAll("#account-menu a").forEach((link) => {
    link.parentElement.hidden = state !== "in" || (Boolean(link.dataset.needs) && !may(link.dataset.needs));
    markCurrent(link, current);
  });
}
