// Wires the window: strings, navigation, the demo badge, and the first view.
import { registerStrings, applyLanguage, setSystemLanguage } from "./i18n.js";
import { call } from "./ipc.js";
import { el, showBanner } from "./kit.js";
import { register, navigate } from "./router.js";
import * as dashboard from "./views/dashboard.js";
import * as instances from "./views/instances.js";
import * as license from "./views/license.js";
import * as billing from "./views/billing.js";
import * as settings from "./views/settings.js";

const STRINGS = {
  en: {
    "app.title": "License Companion",
    "app.skip": "Skip to content",
    "app.demo": "Demo",
    "app.demo.hint": "Demo mode: everything talks to a local test server. Sign in to the Demo vault or the cloud with owner@example.com / correct horse battery staple (premium account: premium@example.com / premium password).",
    "app.working": "Working…",
    "app.dismiss": "Dismiss",
    "nav.dashboard": "Dashboard",
    "nav.instances": "Instances",
    "nav.license": "License",
    "nav.billing": "Billing sync",
    "nav.settings": "Settings",
  },
  "zh-CN": {
    "app.title": "许可证助手",
    "app.skip": "跳到内容",
    "app.demo": "演示",
    "app.demo.hint": "演示模式：所有操作都连接本机的测试服务器。请用 owner@example.com / correct horse battery staple 登录演示保险库或云端（高级版账户：premium@example.com / premium password）。",
    "app.working": "处理中…",
    "app.dismiss": "关闭",
    "nav.dashboard": "概览",
    "nav.instances": "实例",
    "nav.license": "许可证",
    "nav.billing": "计费同步",
    "nav.settings": "设置",
  },
};

const VIEWS = { dashboard, instances, license, billing, settings };

window.addEventListener("DOMContentLoaded", async () => {
  registerStrings(STRINGS);
  for (const [name, view] of Object.entries(VIEWS)) {
    registerStrings(view.strings);
    register(name, view);
  }
  let info = { demo: false };
  let saved = { language: null };
  try {
    [info, saved] = await Promise.all([call("app_info"), call("settings_get")]);
  } catch (error) {
    showBanner(error);
  }
  setSystemLanguage(info.systemLanguage);
  applyLanguage(saved.language ?? null);
  if (info.demo) showDemoHint();
  for (const [name, view] of Object.entries(VIEWS)) view.mount(document.getElementById(`view-${name}`));
  applyLanguage();
  document.getElementById("demo-badge").hidden = !info.demo;

  for (const tab of document.querySelectorAll("#nav [data-view]")) {
    tab.addEventListener("click", () => navigate(tab.dataset.view));
  }
  document.addEventListener("keydown", closeOnEscape);
  document.addEventListener("keydown", submitOnEnter);

  // The first view is painted as soon as it shows what it is loading; its data, and
  // anything the keychain has to say, come after.
  const first = navigate("dashboard");
  await painted();
  document.body.dataset.ready = "true";
  // Logged by the app (RUST_LOG=info); `make bench` times the start with it.
  call("page_ready").catch(() => {});
  call("startup_problem")
    .then((problem) => problem && showBanner(problem))
    .catch(showBanner);
  await first;
});

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
    const button = [...box.querySelectorAll("button[data-enter], button:not(.secondary)")]
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

