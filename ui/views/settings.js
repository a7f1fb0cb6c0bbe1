// Settings: language, start at login, and the About box (versions computed in core).
import { t, applyLanguage } from "../i18n.js";
import { call } from "../ipc.js";
import { el, problemBox } from "../kit.js";
import { refresh } from "../router.js";

let status;
let languageSelect;
let startAtLogin;

export function mount(section) {
  languageSelect = el("select", { id: "settings-language" },
    el("option", { value: "", "data-i18n": "settings.language.system" }),
    el("option", { value: "en" }, "English"),
    el("option", { value: "zh-CN" }, "简体中文"));
  languageSelect.addEventListener("change", saveLanguage);
  startAtLogin = el("input", { type: "checkbox", id: "settings-start-at-login" });
  startAtLogin.addEventListener("change", saveStartAtLogin);
  status = el("p", { id: "settings-status", role: "status", "aria-live": "polite" });
  const aboutResult = el("p", { id: "about-result", role: "status", "aria-live": "polite" });
  const aboutButton = el("button", { id: "about-btn", type: "button", "data-i18n": "about.check" });
  aboutButton.addEventListener("click", async () => {
    try {
      const info = await call("app_info");
      aboutResult.textContent = t("about.result", { app: info.appVersion, core: info.coreVersion });
    } catch (error) {
      aboutResult.replaceChildren(problemBox(error));
    }
  });
  section.append(
    el("div", { class: "card" },
      el("h2", { id: "settings-heading", "data-i18n": "settings.heading" }),
      el("label", { for: "settings-language", "data-i18n": "settings.language" }),
      " ", languageSelect,
      el("p", {}, startAtLogin, " ",
        el("label", { for: "settings-start-at-login", "data-i18n": "settings.startAtLogin" })),
      status),
    el("div", { class: "card", id: "settings-about" },
      el("h2", { id: "about-heading", "data-i18n": "about.heading" }),
      el("p", { "data-i18n": "about.intro" }),
      aboutButton, aboutResult),
  );
}

export async function show() {
  status.textContent = "";
  try {
    const settings = await call("settings_get");
    languageSelect.value = settings.language ?? "";
    startAtLogin.checked = settings.startAtLogin;
  } catch (error) {
    status.replaceChildren(problemBox(error));
  }
}

async function saveLanguage() {
  try {
    const saved = await call("settings_set_language", { language: languageSelect.value || null });
    applyLanguage(saved.language ?? null);
    await refresh();
    status.textContent = t("settings.saved");
  } catch (error) {
    status.replaceChildren(problemBox(error));
  }
}

async function saveStartAtLogin() {
  const wanted = startAtLogin.checked;
  try {
    const saved = await call("settings_set_start_at_login", { enabled: wanted });
    startAtLogin.checked = saved.startAtLogin;
    status.textContent = t("settings.saved");
  } catch (error) {
    startAtLogin.checked = !wanted;
    status.replaceChildren(problemBox(error));
  }
}
