// Dashboard: every instance's organizations and premium accounts, worst first, with the
// problems found and one button per problem (computed in core: app/dashboard.rs). Each
// server's rows arrive on their own while the others are still being asked; the table
// sorts by any column and filters by server or organization, for fleets of hundreds.
import { t, language } from "../i18n.js";
import { call, channel } from "../ipc.js";
import { el, problemBox, whileBusy, formatDate, formatDateTime } from "../kit.js";
import { navigate } from "../router.js";

/** @typedef {import("../../src-tauri/ipc").Dashboard} Dashboard */
/** @typedef {import("../../src-tauri/ipc").Progress} Progress */
/** @typedef {import("../../src-tauri/ipc").Row} Row */
/** @typedef {import("../../src-tauri/ipc").RowProblem} RowProblem */

const COLUMNS = ["status", "instance", "name", "plan", "seats", "expires", "days", "sync", "check", "problems"];

/** The next license check's outcomes, best to worst (core: audit::Outcome). */
const CHECK_RANK = { stays_enabled: 0, skipped: 1, unknown: 2, job_fails: 3, disabled: 4 };

/** Status order, best to worst, as the core ranks it (app/status.rs). */
const RANK = { ok: 0, unknown: 1, warning: 2, error: 3 };

const time = (iso) => (iso ? Date.parse(iso) : null);

/**
 * What each column sorts by; a missing value sorts last either way.
 * @type {Record<string, (row: Row) => any>}
 */
const SORT_VALUE = {
  status: (row) => RANK[row.status],
  instance: (row) => row.instanceName,
  name: (row) => row.name,
  plan: (row) => row.plan,
  seats: (row) => row.seats,
  expires: (row) => time(row.expires),
  days: (row) => row.daysLeft,
  sync: (row) => (row.billingSync === "enabled" ? time(row.lastSync) : null),
  check: (row) => (row.nextCheck ? CHECK_RANK[row.nextCheck.outcome] : null),
  problems: (row) => row.problems.length,
};

let refreshButton;
let summary;
let body;
let table;
let empty;
let failure;
let filter;
let filterInput;
let shownLine;
let headers = {};

/**
 * Rows by key, each with its rendered <tr> (kept while the row is unchanged).
 * @type {Map<string, { row: Row, json: string, lang: string, element: HTMLElement }>}
 */
const entries = new Map();
/** The newest check; answers of an older one are dropped. */
let generation = 0;
let sort = { column: "status", descending: true };
let renderQueued = false;
/**
 * The newest server's progress, not drawn yet.
 * @type {Progress | null}
 */
let latest = null;

export function mount(section) {
  refreshButton = el("button", { id: "dashboard-refresh", type: "button", class: "secondary", "data-i18n": "dashboard.refresh" });
  refreshButton.addEventListener("click", () => whileBusy(refreshButton, load));
  summary = el("p", { id: "dashboard-summary", role: "status", "aria-live": "polite" }, t("dashboard.loading"));
  failure = el("div", { id: "dashboard-failure" });
  body = el("tbody", { id: "dashboard-rows" });
  table = el("table", { id: "dashboard-table", hidden: true },
    el("thead", {}, el("tr", {}, COLUMNS.map(header))),
    body);
  filterInput = el("input", {
    id: "dashboard-filter", type: "search", autocomplete: "off",
    "data-i18n-placeholder": "dashboard.filterPlaceholder",
  });
  filterInput.addEventListener("input", renderRows);
  shownLine = el("span", { id: "dashboard-shown", class: "muted" });
  // The filter and the table appear with the first row.
  filter = el("div", { class: "dash-filter", hidden: true },
    el("label", { for: "dashboard-filter", "data-i18n": "dashboard.filter" }), filterInput, shownLine);
  const addButton = el("button", { id: "dashboard-add-instance", type: "button", "data-i18n": "dashboard.addInstance" });
  addButton.addEventListener("click", () => navigate("instances", { open: "add" }));
  empty = el("div", { id: "dashboard-empty", hidden: true },
    el("p", { "data-i18n": "dashboard.empty" }), addButton);
  section.append(el("div", { class: "card" },
    el("div", { class: "row-between" },
      el("h2", { id: "dashboard-heading", "data-i18n": "dashboard.heading" }), refreshButton),
    summary, failure, empty, filter,
    el("div", { class: "table-scroll" }, table)));
}

/** A column heading: a button that sorts by it (again: the other way round). */
function header(column) {
  const label = el("span", { "data-i18n": `dashboard.col.${column}` });
  const mark = el("span", { class: "sort-mark", "aria-hidden": "true" });
  const button = el("button", { type: "button", class: "secondary dash-sort", dataset: { sort: column } }, label, mark);
  button.addEventListener("click", () => {
    sort = sort.column === column
      ? { column, descending: !sort.descending }
      : { column, descending: column === "status" };
    renderRows();
  });
  const th = el("th", { scope: "col", "aria-sort": "none" }, button);
  headers[column] = { th, mark, button };
  return th;
}

export async function show() {
  await whileBusy(refreshButton, load);
}

async function load() {
  const mine = ++generation;
  let settled = false;
  failure.replaceChildren();
  summary.className = "";
  delete summary.dataset.status;
  summary.textContent = t("dashboard.loading");
  latest = null;
  const onInstance = channel((progress) => {
    if (mine === generation && !settled) arrived(progress);
  });
  try {
    const dashboard = await call("dashboard_load", { onInstance });
    settled = true;
    if (mine === generation) finished(dashboard);
  } catch (error) {
    settled = true;
    if (mine !== generation) return;
    summary.textContent = "";
    failure.replaceChildren(problemBox(error));
  }
}

/** One server's rows, in while others are still being asked; drawn at the next frame
 * with the others that came meanwhile.
 * @param {Progress} progress
 */
function arrived(progress) {
  const current = new Set(progress.rows.map(keep));
  for (const [key, entry] of entries) {
    if (entry.row.instanceId === progress.instanceId && !current.has(key)) entries.delete(key);
  }
  latest = progress;
  if (!renderQueued) {
    renderQueued = true;
    requestAnimationFrame(() => {
      renderQueued = false;
      if (latest) drawProgress(latest);
      latest = null;
    });
  }
}

/** @param {Progress} progress */
function drawProgress(progress) {
  renderRows();
  if (progress.done < progress.total) {
    summary.textContent = `${t("dashboard.loading")} ${t("dashboard.progress", progress)}`;
  } else {
    showSummary(progress.worst, progress.checkedAt);
  }
}

/**
 * The whole check: every row as the core sorted it, and the summary.
 * @param {Dashboard} dashboard
 */
function finished(dashboard) {
  latest = null;
  const current = new Set(dashboard.rows.map(keep));
  for (const key of entries.keys()) if (!current.has(key)) entries.delete(key);
  empty.hidden = dashboard.rows.length > 0;
  showSummary(dashboard.worst, dashboard.checkedAt);
  renderRows();
  // Once painted, for `make bench-fleet` (the app logs it at info level).
  const servers = new Set(dashboard.rows.map((row) => row.instanceId)).size;
  requestAnimationFrame(() => setTimeout(() => {
    call("dashboard_painted", { rows: dashboard.rows.length, servers }).catch(() => {});
  }));
}

function showSummary(worst, checkedAt) {
  summary.dataset.status = worst;
  summary.className = `status-${worst}`;
  summary.textContent = entries.size
    ? `${t(`dashboard.worst.${worst}`)} ${t("dashboard.checked", { when: formatDateTime(checkedAt, language()) })}`
    : "";
}

/**
 * Remembers a row, keeping its rendered line when nothing in it changed.
 * @param {Row} row
 */
function keep(row) {
  const key = `${row.instanceId}|${row.kind}|${row.orgId || row.name}`;
  const json = JSON.stringify(row);
  const lang = language();
  const known = entries.get(key);
  if (!known || known.json !== json || known.lang !== lang) {
    entries.set(key, { row, json, lang, element: renderRow(row, lang) });
  }
  return key;
}

/**
 * Worst first, then fewest days left, then by server and name (the core's order).
 * @param {Row} a
 * @param {Row} b
 */
function worstFirst(a, b) {
  const days = (row) => row.daysLeft ?? Number.MAX_SAFE_INTEGER;
  const text = (x, y) => (x < y ? -1 : x > y ? 1 : 0);
  return RANK[b.status] - RANK[a.status]
    || days(a) - days(b)
    || text(a.instanceName, b.instanceName)
    || text(a.name, b.name);
}

/**
 * @param {Row} a
 * @param {Row} b
 */
function compare(a, b) {
  const value = SORT_VALUE[sort.column];
  const x = value(a);
  const y = value(b);
  if (x == null || y == null) return Number(x == null) - Number(y == null) || worstFirst(a, b);
  const order = typeof x === "number" ? x - y : String(x).localeCompare(String(y), language());
  return (sort.descending ? -order : order) || worstFirst(a, b);
}

/** Puts the matching rows in the table, in the chosen order. */
function renderRows() {
  const needle = filterInput.value.trim().toLocaleLowerCase();
  const all = [...entries.values()];
  const shown = needle
    ? all.filter(({ row }) => [row.instanceName, row.server, row.name]
      .some((text) => text.toLocaleLowerCase().includes(needle)))
    : all;
  shown.sort((a, b) => compare(a.row, b.row));
  body.replaceChildren(...shown.map((entry) => entry.element));
  table.hidden = all.length === 0;
  filter.hidden = all.length === 0;
  shownLine.textContent = needle ? t("dashboard.shown", { shown: shown.length, total: all.length }) : "";
  for (const [column, { th, mark, button }] of Object.entries(headers)) {
    const active = column === sort.column;
    const direction = sort.descending ? "descending" : "ascending";
    th.setAttribute("aria-sort", active ? direction : "none");
    mark.textContent = active ? (sort.descending ? " ▼" : " ▲") : "";
    button.title = t("dashboard.sortBy", { column: t(`dashboard.col.${column}`) });
  }
}

/**
 * @param {Row} row
 * @param {string} lang
 */
function renderRow(row, lang) {
  const name = row.kind === "organization" ? row.name
    : row.kind === "premium" ? `${row.name} (${t("dashboard.kind.premium")})`
      : `${row.name} (${t("dashboard.kind.instance")})`;
  const expires = row.expires
    ? [formatDate(row.expires, lang),
      row.expiresWithoutGrace && row.expiresWithoutGrace !== row.expires
        ? el("div", { class: "muted" }, t("dashboard.subscriptionEnds", { date: formatDate(row.expiresWithoutGrace, lang) }))
        : null]
    : "—";
  return el("tr", {
    class: `dash-row status-row-${row.status}`,
    dataset: { status: row.status, instance: row.instanceId, org: row.orgId || "", kind: row.kind },
  },
  el("td", { class: `dash-status status-${row.status}` }, t(`dashboard.status.${row.status}`)),
  el("td", { class: "dash-instance" }, row.instanceName, el("div", { class: "muted" }, row.server)),
  el("td", { class: "dash-name" }, name,
    row.lastKnownAt
      ? el("div", { class: "muted dash-last-known" }, t("dashboard.lastKnown", { date: formatDateTime(row.lastKnownAt, lang) }))
      : null),
  row.takesLicenses === false
    ? el("td", { class: "dash-plan dash-no-license" }, t("dashboard.noLicenseNeeded"))
    : el("td", { class: "dash-plan" }, row.plan ?? "—"),
  el("td", { class: "dash-seats" }, row.seats ?? "—"),
  el("td", { class: "dash-expires" }, expires),
  el("td", { class: "dash-days" }, row.daysLeft ?? "—"),
  el("td", { class: "dash-sync" }, syncText(row, lang)),
  el("td", { class: "dash-check", dataset: { outcome: row.nextCheck?.outcome || "" } }, checkCell(row, lang)),
  el("td", { class: "dash-problems" },
    row.problems.length ? row.problems.map(renderProblem) : t("dashboard.none")));
}

/**
 * What the server's next license check will do, and the fix when it disables.
 * @param {Row} row
 * @param {string} lang
 */
function checkCell(row, lang) {
  const check = row.nextCheck;
  if (!check) return "—";
  const text = t(`dashboard.check.${check.outcome}`, { when: formatDateTime(check.at, lang), text: check.serverText || "" });
  if (check.outcome !== "disabled" && check.outcome !== "job_fails") return text;
  const fix = el("button", { type: "button", class: "secondary check-action" }, t("dashboard.check.fix"));
  fix.addEventListener("click", () => navigate("license", { instanceId: row.instanceId, orgId: row.orgId, open: "newLicense" }));
  return [el("div", {}, text), fix];
}

/**
 * @param {Row} row
 * @param {string} lang
 */
function syncText(row, lang) {
  if (!row.billingSync) return "—";
  if (row.billingSync === "notSetUp") return t("dashboard.sync.notSetUp");
  if (row.billingSync === "disabled") return t("dashboard.sync.disabled");
  return row.lastSync ? formatDate(row.lastSync, lang) : t("dashboard.sync.never");
}

/** @param {RowProblem} problem */
function renderProblem(problem) {
  const box = problemBox(problem);
  box.classList.add("dash-problem", `status-border-${problem.status}`);
  if (problem.action) {
    const { kind, view, params } = problem.action;
    const button = el("button", {
      type: "button",
      class: "secondary problem-action",
      dataset: { action: kind },
    }, t(`dashboard.action.${kind}`));
    if (kind === "checkServer") {
      const result = el("div", { class: "dash-check-result", role: "status", "aria-live": "polite" });
      button.addEventListener("click", () => whileBusy(button, () => checkServer(params.instanceId, result)));
      box.append(button, result);
    } else {
      button.addEventListener("click", () => navigate(view, { ...params, open: kind }));
      box.append(button);
    }
  }
  return box;
}

/** Tests the connection to an instance's server and shows the answer under its problem. */
async function checkServer(instanceId, result) {
  result.replaceChildren();
  const edit = el("button", {
    type: "button", class: "secondary dash-edit-server",
    onclick: () => navigate("instances", { instanceId, open: "edit" }),
  }, t("dashboard.action.editServer"));
  try {
    const check = await call("instance_test_connection", { instanceId });
    result.replaceChildren(check.reachable
      ? el("p", { class: "status-ok dash-reachable" }, check.version
        ? t("dashboard.reachable", { version: check.version })
        : t("dashboard.reachableNoVersion"))
      : problemBox(check.problem), edit);
  } catch (error) {
    result.replaceChildren(problemBox(error), edit);
  }
}
