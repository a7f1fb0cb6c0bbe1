// Small DOM helpers shared by the views.
import { t } from "./i18n.js";

/** Creates an element: el("button", { type: "button", class: "x", onclick }, "text", child). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (value === true) node.setAttribute(key, "");
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A problem box: what happened and what to do, with the stable code for support. */
export function problemBox(error) {
  return el("div", { class: "problem", role: "alert", dataset: { code: error.code || "" } },
    el("p", { class: "problem-message" }, error.message || String(error)),
    error.advice ? el("p", { class: "problem-advice" }, error.advice) : null,
  );
}

/** Shows `error` in the page-wide banner (Escape or the button dismisses it). */
export function showBanner(error) {
  const banner = document.getElementById("banner");
  banner.replaceChildren(problemBox(error),
    el("button", { type: "button", class: "secondary", onclick: () => { banner.hidden = true; } },
      t("app.dismiss")));
  banner.hidden = false;
}

/**
 * Runs `task` while `button` is disabled and labelled as working; the label comes back
 * afterwards. Returns the task's result.
 */
export async function whileBusy(button, task) {
  const label = button.textContent;
  // A disabled button drops the keyboard focus; it comes back when the work is done.
  const hadFocus = document.activeElement === button;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    return await task();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    button.textContent = label;
    if (hadFocus && (document.activeElement === document.body || !document.activeElement)) button.focus();
  }
}

/** Formats an ISO date for the current language. */
export function formatDate(iso, lang) {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleDateString(lang, { year: "numeric", month: "short", day: "numeric" });
}
