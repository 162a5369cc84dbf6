// Building blocks every screen shares: escaping, messages next to the action, forms and buttons.
export const $ = (selector) => document.querySelector(selector);
export const esc = (value) => String(value ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
export const view = () => $("#view");

// Messages appear next to what the person acted on (`anchor`: an element or a selector, resolved when the
// message is shown, so after a screen re-renders), role "status" for news and "alert" for errors. When the
// anchor is gone they go to #flash, above the screen. A new action or another screen clears them.
export function say(anchor, message, kind = "ok") {
  if (!message) return null;
  const found = typeof anchor === "string" ? document.querySelector(anchor) : anchor;
  const element = document.createElement("p");
  element.className = `msg ${kind}`;
  element.setAttribute("role", kind === "error" ? "alert" : "status");
  element.textContent = message;
  if (found?.isConnected && found.matches("td")) found.append(element);
  else if (found?.isConnected) found.after(element);
  else $("#flash").replaceChildren(element);
  element.scrollIntoView({ block: "nearest" });
  return element;
}

export function clearMessages() {
  document.querySelectorAll(".msg").forEach((element) => element.remove());
}

export const flash = (message, kind = "ok") => say(null, message, kind);

// Shows a payload's errors next to `anchor`; true when there were any.
export function payloadErrors(payload, anchor = null) {
  const text = [...(payload.errors || []).map((e) => e.message)].join(" ");
  if (text) say(anchor, text, "error");
  return Boolean(text);
}

// A form whose messages go next to its submit button; `onSubmit(values, form, button)`. While it is sent, another
// submit is ignored and the button says it is busy (aria-disabled: a disabled button would lose the focus).
export function form(html, onSubmit) {
  const element = document.createElement("form");
  element.innerHTML = html;
  let busy = false;
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    clearMessages();
    const submitter = event.submitter || element.querySelector("button");
    submitter?.setAttribute("aria-disabled", "true");
    try {
      await onSubmit(Object.fromEntries(new FormData(element)), element, submitter);
    } catch (error) {
      say(submitter, error.message, "error");
    } finally {
      busy = false;
      submitter?.removeAttribute("aria-disabled");
    }
  });
  return element;
}

// A labelled input; `t` is the calling screen's words (see i18n.texts).
export const field = (t, name, key, type = "text", value = "") =>
  `<label>${esc(t(key))}<input name="${name}" type="${type}" value="${esc(value)}"></label>`;

// A button whose messages go next to it; `onClick(button)`.
export function button(text, name, onClick) {
  const element = document.createElement("button");
  element.type = "button";
  element.textContent = text;
  element.className = name;
  element.addEventListener("click", async () => {
    clearMessages();
    try { await onClick(element); } catch (error) { say(element, error.message, "error"); }
  });
  return element;
}
