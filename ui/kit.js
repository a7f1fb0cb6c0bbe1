// Small DOM helpers shared by the views.
import { t, language } from "./i18n.js";

/** @typedef {import("../src-tauri/ipc").Phrase} Phrase */
/**
 * What the core says went wrong: a `Problem`, an installation `Finding`, a dashboard
 * `RowProblem`; `words`, where given, say it in any language.
 * @typedef {import("../src-tauri/ipc").Problem | import("../src-tauri/ipc").Finding
 *   | import("../src-tauri/ipc").RowProblem} Problem
 */

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

/** A labelled row of a form: the label (a catalog key) above its control and any buttons. */
export function field(id, key, ...controls) {
  return el("div", { class: "field" }, el("label", { for: id, "data-i18n": key }), ...controls);
}

/**
 * Fills a view's instance picker with the configured instances (`name (url)`) and selects
 * `wanted` when it is one of them, else the first; `none` names a first option that stands
 * for no instance.
 * @param {HTMLSelectElement} select
 * @param {Array<{ id: string, name: string, url: string }>} instances
 * @param {string | null | undefined} wanted
 * @param {{ none?: string }} [options]
 */
export function fillInstancePicker(select, instances, wanted, options = {}) {
  const { none } = options;
  select.replaceChildren(
    ...(none ? [el("option", { value: "" }, none)] : []),
    ...instances.map((i) => el("option", { value: i.id }, `${i.name} (${i.url})`)));
  const ids = instances.map((i) => i.id);
  select.value = ids.includes(wanted) ? wanted : (ids[0] ?? "");
}

/**
 * A core phrase (a catalog key and its values) in the window's language.
 * @param {Phrase} phrase
 */
export function say(phrase) {
  const values = Object.fromEntries(Object.entries(phrase.values || {})
    .map(([name, value]) => [name, typeof value === "string" ? value : say(value)]));
  return localizeDates(t(phrase.key, values));
}

/**
 * Phrases said one after another (Chinese sets no space between sentences).
 * @param {Array<Phrase>} phrases
 */
export function sayAll(phrases) {
  return phrases.map(say).join(language().startsWith("zh") ? "" : " ");
}

/**
 * What a problem says and advises, in the window's language where the core gave phrases.
 * @param {Problem} problem
 */
export function problemWords(problem) {
  return {
    message: problem.words ? sayAll(problem.words.message) : localizeDates(problem.message || String(problem)),
    advice: problem.words ? sayAll(problem.words.advice) : localizeDates(problem.advice || ""),
  };
}

/**
 * A problem box: what happened and what to do, with the stable code for support.
 * @param {Problem} error
 */
export function problemBox(error) {
  const { message, advice } = problemWords(error);
  return el("div", { class: "problem", role: "alert", dataset: { code: error.code || "" } },
    el("p", { class: "problem-message" }, message),
    advice ? el("p", { class: "problem-advice" }, advice) : null,
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

// One date format and one date-and-time format per language, everywhere in the window.
const DATE = { dateStyle: "medium" };
const DATE_TIME = { dateStyle: "medium", timeStyle: "short" };

function formatWith(iso, lang, options) {
  if (!iso) return "—";
  // A bare date ("2026-12-13") is a calendar day, not midnight somewhere: shown as is.
  const day = typeof iso === "string" && /^\d{4}-\d{2}-\d{2}$/.test(iso);
  const date = new Date(day ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return new Intl.DateTimeFormat(lang, day ? { ...options, timeZone: "UTC" } : options).format(date);
}

/** An ISO date (or date and time) as a date in `lang`: "Dec 3, 2027", "2027年12月3日". */
export function formatDate(iso, lang) {
  return formatWith(iso, lang, DATE);
}

/** An ISO date and time in `lang`, without seconds: "Dec 3, 2027, 2:27 PM". */
export function formatDateTime(iso, lang) {
  return formatWith(iso, lang, DATE_TIME);
}

// RFC 3339 dates and times inside texts from the app ("expires 2027-12-03T14:27:29+00:00").
const ISO_IN_TEXT = /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b/g;

/** `text` with every ISO date or date and time in it written the way `lang` writes them. */
export function localizeDates(text, lang = language()) {
  if (typeof text !== "string") return text;
  return text.replace(ISO_IN_TEXT, (found) => (found.length > 10
    ? formatDateTime(found.replace(" ", "T"), lang)
    : formatDate(found, lang)));
}
