// The step-up dialog: the current password asked in the page (a modal <dialog>, never window.prompt), so the person
// stays where they acted. Focus goes to the password field, Escape or "Cancelar" cancels, and focus returns to
// where it was; a wrong password is said inside the dialog, which stays open. For a person with two-step verification
// the answer SECOND_FACTOR_REQUIRED shows a second field, for the authenticator app's code or a recovery code, and
// (given `passkey`) a button to use a passkey instead.
import { t } from "./i18n.js";
import { esc, say } from "./ui.js";

// Resolves true once `check(password, code, passkey)` accepted them (it answers the refusal's errors, none when
// accepted), false if cancelled. `passkey()`, when given, gives a passkey's credential JSON (its ceremony).
export function askPassword(check, passkey = null) {
  const returnTo = document.activeElement;
  const dialog = document.createElement("dialog");
  dialog.id = "step-up";
  dialog.setAttribute("aria-labelledby", "step-up-title");
  dialog.setAttribute("aria-describedby", "step-up-text");
  dialog.innerHTML = `<form><h2 id="step-up-title">${esc(t("stepUpTitle"))}</h2><p id="step-up-text">${esc(t("stepUp"))}</p>
    <label>${esc(t("stepUpPassword"))}<input name="password" type="password" autocomplete="current-password"></label>
    <label hidden id="step-up-code">${esc(t("stepUpCode"))}<input name="code" autocomplete="one-time-code" spellcheck="false"></label>
    <button type="button" hidden id="step-up-passkey">${esc(t("stepUpPasskey"))}</button>
    <div class="dialog-actions"><button type="button" id="step-up-cancel">${esc(t("stepUpCancel"))}</button>
    <button type="submit" id="step-up-confirm">${esc(t("stepUpConfirm"))}</button></div></form>`;
  const input = dialog.querySelector("input");
  const code = dialog.querySelector("[name=code]");
  const confirm = dialog.querySelector("#step-up-confirm");
  const usePasskey = dialog.querySelector("#step-up-passkey");
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      dialog.remove();
      returnTo?.focus();
      resolve(dialog.returnValue === "proved");
    });
    dialog.querySelector("#step-up-cancel").addEventListener("click", () => dialog.close("cancelled"));
    const attempt = async (factor) => {
      dialog.querySelectorAll(".msg").forEach((message) => message.remove());
      confirm.disabled = true;
      try {
        const errors = await factor();
        if (!errors.length) return dialog.close("proved");
        if (errors.some((e) => e.code === "SECOND_FACTOR_REQUIRED") && code.closest("label").hidden) {
          code.closest("label").hidden = false;
          usePasskey.hidden = !passkey;
          return (errors[0].field?.includes("passkey") && passkey ? usePasskey : code).focus();
        }
        const about = code.closest("label").hidden || errors[0].field?.includes("password") ? input : code;
        say(about.closest("label"), errors.map((e) => e.message).join(" "), "error");
      } catch (error) {
        say(input.closest("label"), error.message, "error");
      } finally {
        confirm.disabled = false;
      }
      input.select();
      input.focus();
    };
    usePasskey.addEventListener("click", () => attempt(async () => check(input.value, "", await passkey())));
    dialog.querySelector("form").addEventListener("submit", (event) => {
      event.preventDefault();
      attempt(() => check(input.value, code.value.trim()));
    });
    dialog.showModal();
    input.focus();
  });
}
