// English and Simplified Chinese words: the app's one catalog per language
// (core/messages/*.json), handed to the page by the window process before any script runs
// (`window.__MESSAGES__`), as the tray and notifications read it too. The language follows
// the system locale unless the user picks one in Settings.
const MESSAGES = window.__MESSAGES__ ?? { en: {}, "zh-CN": {} };

export const languages = ["en", "zh-CN"];

// The system locale's language as the app read it (`window.__BOOT__.systemLanguage`); WebKit's
// navigator.language says en-US whenever the locale is not generated on the machine.
let reportedSystemLanguage = null;

let currentLang = systemLanguage();

/** The language the system asks for: Simplified Chinese for any zh locale, else English. */
export function systemLanguage() {
  const lang = reportedSystemLanguage || navigator.language || "en";
  return lang.toLowerCase().startsWith("zh") ? "zh-CN" : "en";
}

/** Records the system language the app read from the locale. */
export function setSystemLanguage(lang) {
  reportedSystemLanguage = lang || null;
}

/** The current language code. */
export function language() {
  return currentLang;
}

/** Translates `key`, filling `{name}` placeholders from `vars`. */
export function t(key, vars = {}) {
  const text = MESSAGES[currentLang][key] ?? MESSAGES.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}

/** Switches language (null: the system's) and re-labels every `data-i18n` element. */
export function applyLanguage(lang) {
  if (lang !== undefined) currentLang = languages.includes(lang) ? lang : systemLanguage();
  document.documentElement.lang = currentLang;
  for (const el of labelled("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of /** @type {NodeListOf<HTMLInputElement>} */ (labelled("[data-i18n-placeholder]"))) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
  for (const el of labelled("[data-i18n-label]")) {
    el.setAttribute("aria-label", t(el.dataset.i18nLabel));
  }
}

/** @returns {NodeListOf<HTMLElement>} */
function labelled(selector) {
  return document.querySelectorAll(selector);
}
