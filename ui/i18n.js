// English and Simplified Chinese strings. The language follows the system locale unless
// the user picks one in Settings.
const MESSAGES = {
  en: {
    "app.title": "License Companion",
    "about.heading": "About",
    "about.intro": "Reads your self-hosted Bitwarden installation, checks licenses offline and applies them safely.",
    "about.check": "Show versions",
    "about.result": "App {app} · core {core}",
  },
  "zh-CN": {
    "app.title": "许可证助手",
    "about.heading": "关于",
    "about.intro": "读取您自托管的 Bitwarden 安装信息，离线检查许可证并安全地应用。",
    "about.check": "显示版本",
    "about.result": "应用 {app} · 核心 {core}",
  },
};

let currentLang = (navigator.language || "en").toLowerCase().startsWith("zh") ? "zh-CN" : "en";

/** Translates `key`, filling `{name}` placeholders from `vars`. */
export function t(key, vars = {}) {
  const text = MESSAGES[currentLang][key] ?? MESSAGES.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}

/** Applies the current language to every element carrying `data-i18n`. */
export function applyLanguage(lang) {
  if (lang) currentLang = MESSAGES[lang] ? lang : "en";
  document.documentElement.lang = currentLang;
  for (const el of document.querySelectorAll("[data-i18n]")) {
    el.textContent = t(el.dataset.i18n);
  }
}

export const languages = Object.keys(MESSAGES);
