// Wires the window: the language, navigation, the demo badge, and the first view.
import { applyLanguage, setSystemLanguage } from "./i18n.js";
import { call, listen } from "./ipc.js";
import { el, showBanner } from "./kit.js";
import { register, navigate, reveal, currentView, viewOf } from "./router.js";
import * as dashboard from "./views/dashboard.js";

/** @typedef {import("../src-tauri/ipc").Boot} Boot */

/**
 * The first view comes with the page, so that it is drawn in the page's very first frame
 * (nothing before it waits for a task); the others load when first opened.
 */
const VIEWS = {
  dashboard: async () => dashboard,
  instances: () => import("./views/instances.js"),
  license: () => import("./views/license.js"),
  billing: () => import("./views/billing.js"),
  settings: () => import("./views/settings.js"),
};

window.addEventListener("DOMContentLoaded", async () => {
  for (const [name, load] of Object.entries(VIEWS)) register(name, load);
  // Handed over by the window process before any script ran (`Boot` in commands/app.rs).
  const boot = window.__BOOT__ ?? /** @type {Boot} */ ({ demo: false, language: null });
  setSystemLanguage(boot.systemLanguage);
  if (boot.demo) showDemoHint();
  applyLanguage(boot.language ?? null);
  document.getElementById("demo-badge").hidden = !boot.demo;

  for (const tab of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll("#nav [data-view]"))) {
    tab.addEventListener("click", () => navigate(tab.dataset.view));
  }
  document.addEventListener("keydown", closeOnEscape);
  document.addEventListener("keydown", submitOnEnter);

  // The first view is painted as soon as it shows what it is loading; its data, and
  // anything the keychain has to say, come after.
  await reveal("dashboard");
  await painted();
  document.body.dataset.ready = "true";
  listen("license-dropped", licenseDropped);
  // Logged by the app (RUST_LOG=info); `make bench` times the start with it.
  call("page_ready").catch(() => {});
  call("startup_problem")
    .then((problem) => problem && showBanner(problem))
    .catch(showBanner);
  const navigation = /** @type {PerformanceNavigationTiming | undefined} */ (performance.getEntriesByType("navigation")[0]);
  if (navigation?.type === "reload") {
    await followSavedLanguage(boot).catch(showBanner);
  }
  await navigate("dashboard");
});

/**
 * A reloaded page gets the boot data of the window's start again: a language picked in
 * Settings since then is applied before the dashboard asks for its data.
 */
async function followSavedLanguage(boot) {
  const saved = await call("settings_get");
  if ((saved.language ?? null) !== (boot.language ?? null)) applyLanguage(saved.language ?? null);
}

/** A license file dropped on the window, on any view: the License view inspects it. */
async function licenseDropped(payload) {
  if (currentView() !== "license") await navigate("license");
  (await viewOf("license")).dropped(payload);
}

/** Resolves once what the page shows now has been painted. */
function painted() {
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
}

/**
 * Escape closes what is open, innermost first: a modal <dialog> closes itself; otherwise
 * the panel holding the focus is cancelled through its Cancel button (`data-escape`, or
 * an id ending in `-cancel`), and failing that the banner is dismissed.
 */
function closeOnEscape(event) {
  if (event.key !== "Escape" || event.defaultPrevented) return;
  if (document.querySelector("dialog[open]:modal")) return;
  const cancel = cancelButtonNear(document.activeElement);
  const banner = document.getElementById("banner");
  if (cancel) {
    event.preventDefault();
    cancel.click();
  } else if (!banner.hidden) {
    event.preventDefault();
    banner.hidden = true;
  }
}

/** Text fields in which Enter means "do it", as in a form. */
const ENTER_FIELDS = new Set(["text", "password", "email", "url", "search", "number", "tel"]);

/**
 * Enter in a text field outside a <form> presses the panel's main button, as a form would:
 * the first visible, enabled, non-secondary button after the field in the closest panel
 * that has one (`data-enter` marks it when that guess is wrong).
 */
function submitOnEnter(event) {
  const field = event.target;
  if (event.key !== "Enter" || event.defaultPrevented || event.isComposing) return;
  if (!(field instanceof HTMLInputElement) || !ENTER_FIELDS.has(field.type) || field.form) return;
  for (let box = field.parentElement; box && box.tagName !== "MAIN"; box = box.parentElement) {
    const buttons = /** @type {NodeListOf<HTMLButtonElement>} */ (box.querySelectorAll("button[data-enter], button:not(.secondary)"));
    const button = [...buttons]
      .find((b) => (b.dataset.enter !== undefined
        || field.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING)
        && !b.disabled && b.getClientRects().length > 0);
    if (button) {
      event.preventDefault();
      button.click();
      return;
    }
  }
}

/** The visible Cancel button of the closest panel around `node`, if any. */
function cancelButtonNear(node) {
  for (let box = node?.parentElement; box && box.tagName !== "MAIN"; box = box.parentElement) {
    const button = box.querySelector("button[data-escape], button[id$='-cancel']");
    if (button && !button.disabled && button.getClientRects().length > 0) return button;
  }
  return null;
}

/** The demo's accounts, under the header, so the demo can be tried without the README. */
function showDemoHint() {
  document.querySelector(".topbar").after(
    el("p", { id: "demo-hint", class: "demo-hint", role: "note", "data-i18n": "app.demo.hint" }));
}

