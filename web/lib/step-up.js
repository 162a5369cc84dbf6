// The step-up dialog: the current password asked in the page (a modal <dialog>, never window.prompt), so the person
// stays where they acted. Focus goes to the password field, Escape or "Cancelar" cancels, and focus returns to
// where it was; a wrong password is said inside the dialog, which stays open.
import { t } from "./i18n.js";
import { esc, say } from "./ui.js";

// Resolves true once `check(password)` accepted it (it answers an error message, "" when accepted), false if cancelled.
export function askPassword(check) {
  const returnTo = document.activeElement;
  const dialog = document.createElement("dialog");
  dialog.id = "step-up";
  dialog.setAttribute("aria-labelledby", "step-up-title");
  dialog.setAttribute("aria-describedby", "step-up-text");
  dialog.innerHTML = `<form><h2 id="step-up-title">${esc(t("stepUpTitle"))}</h2><p id="step-up-text">${esc(t("stepUp"))}</p>
    <label>${esc(t("stepUpPassword"))}<input name="password" type="password" autocomplete="current-password"></label>
    <div class="dialog-actions"><button type="button" id="step-up-cancel">${esc(t("stepUpCancel"))}</button>
    <button type="submit" id="step-up-confirm">${esc(t("stepUpConfirm"))}</button></div></form>`;
  const input = dialog.querySelector("input");
  const confirm = dialog.querySelector("#step-up-confirm");
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      dialog.remove();
      returnTo?.focus();
      resolve(dialog.returnValue === "proved");
    });
    dialog.querySelector("#step-up-cancel").addEventListener("click", () => dialog.close("cancelled"));
    dialog.querySelector("form").addEventListener("submit", async (event) => {
      event.preventDefault();
      dialog.querySelectorAll(".msg").forEach((message) => message.remove());
      confirm.disabled = true;
      try {
        const problem = await check(input.value);
        if (!problem) return dialog.close("proved");
        say(input.closest("label"), problem, "error");
      } catch (error) {
        say(input.closest("label"), error.message, "error");
      } finally {
        confirm.disabled = false;
      }
      input.select();
      input.focus();
    });
    dialog.showModal();
    input.focus();
  });
}
