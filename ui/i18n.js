// English and Simplified Chinese strings. Each view module brings its own table
// (`strings = { en: {...}, "zh-CN": {...} }`) and registers it here; every key must exist
// in both languages (a test checks). The language follows the system locale unless the
// user picks one in Settings.
const MESSAGES = { en: {}, "zh-CN": {} };

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

/** Adds a view's strings. */
export function registerStrings(table) {
  for (const lang of languages) Object.assign(MESSAGES[lang], table[lang] || {});
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
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll("[data-i18n-placeholder]")) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
  for (const el of document.querySelectorAll("[data-i18n-label]")) {
    el.setAttribute("aria-label", t(el.dataset.i18nLabel));
  }
}

/** Every registered key per language (for the completeness check). */
export function allKeys() {
  return Object.fromEntries(languages.map((l) => [l, Object.keys(MESSAGES[l]).sort()]));
}
