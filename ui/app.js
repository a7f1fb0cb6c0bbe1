// The window's behaviour. Every action is a Tauri command; the page holds no secrets and
// makes no network calls of its own.
import { t, applyLanguage } from "./i18n.js";

const { invoke } = window.__TAURI__.core;

async function showVersions() {
  const out = document.getElementById("about-result");
  try {
    const info = await invoke("app_info");
    out.textContent = t("about.result", { app: info.app_version, core: info.core_version });
  } catch (error) {
    out.textContent = String(error);
  }
}

window.addEventListener("DOMContentLoaded", () => {
  applyLanguage();
  document.getElementById("about-btn").addEventListener("click", showVersions);
  document.body.dataset.ready = "true";
});
