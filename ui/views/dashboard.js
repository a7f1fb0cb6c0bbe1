// Dashboard: every instance's organizations and premium accounts, worst first, with the
// problems found and one button per problem (computed in core: app/dashboard.rs). Each
// server's rows arrive on their own while the others are still being asked; the table
// sorts by any column and filters by server or organization, for fleets of hundreds.
import { t, language } from "../i18n.js";
import { call, channel } from "../ipc.js";
import { el, problemBox, whileBusy, formatDate, formatDateTime } from "../kit.js";
import { navigate } from "../router.js";

export const strings = {
  en: {
    "dashboard.heading": "Dashboard",
    "dashboard.refresh": "Refresh",
    "dashboard.loading": "Checking every server…",
    "dashboard.progress": "{done} of {total} servers read",
    "dashboard.filter": "Filter",
    "dashboard.filterPlaceholder": "Server or organization",
    "dashboard.shown": "{shown} of {total} rows shown",
    "dashboard.sortBy": "Sort by {column}",
    "dashboard.checked": "Checked {when}",
    "dashboard.empty": "No self-hosted server is set up yet.",
    "dashboard.addInstance": "Add an instance",
    "dashboard.col.status": "Status",
    "dashboard.col.instance": "Instance",
    "dashboard.col.name": "Organization or account",
    "dashboard.col.plan": "Plan",
    "dashboard.col.seats": "Seats",
    "dashboard.col.expires": "Expires",
    "dashboard.col.days": "Days left",
    "dashboard.col.sync": "Last billing sync",
    "dashboard.col.check": "Server's next license check",
    "dashboard.col.problems": "Problems",
    "dashboard.check.stays_enabled": "Stays enabled ({when})",
    "dashboard.check.disabled": "Disabled at {when}: {text}",
    "dashboard.check.job_fails": "Fails at {when}: the server cannot read its license file",
    "dashboard.check.skipped": "Already disabled: not checked",
    "dashboard.check.unknown": "Its license file cannot be read from here",
    "dashboard.check.fix": "Upload the right license",
    "dashboard.status.ok": "OK",
    "dashboard.status.unknown": "Unknown",
    "dashboard.status.warning": "Warning",
    "dashboard.status.error": "Error",
    "dashboard.worst.ok": "Everything is in order.",
    "dashboard.worst.unknown": "Some servers could not be checked.",
    "dashboard.worst.warning": "Something needs your attention soon.",
    "dashboard.worst.error": "Something needs your attention now.",
    "dashboard.kind.premium": "Premium account",
    "dashboard.kind.instance": "Server",
    "dashboard.subscriptionEnds": "subscription ends {date}",
    "dashboard.sync.notSetUp": "not set up",
    "dashboard.sync.disabled": "turned off",
    "dashboard.sync.never": "never",
    "dashboard.none": "None",
    "dashboard.action.signIn": "Sign in",
    "dashboard.action.checkServer": "Check the server",
    "dashboard.action.newLicense": "Get a new license",
    "dashboard.action.billingSync": "Set up billing sync",
    "dashboard.action.installation": "Open installation",
    "dashboard.action.editServer": "Edit the server",
    "dashboard.lastKnown": "Last known, checked {date}",
    "dashboard.reachable": "Reachable (server version {version})",
    "dashboard.reachableNoVersion": "Reachable",
    "dashboard.noLicenseNeeded": "Vaultwarden needs no Bitwarden license; nothing to upload or sync here",
  },
  "zh-CN": {
    "dashboard.heading": "概览",
    "dashboard.refresh": "刷新",
    "dashboard.loading": "正在检查所有服务器…",
    "dashboard.progress": "已读取 {done}/{total} 台服务器",
    "dashboard.filter": "筛选",
    "dashboard.filterPlaceholder": "服务器或组织",
    "dashboard.shown": "显示 {shown}/{total} 行",
    "dashboard.sortBy": "按{column}排序",
    "dashboard.checked": "检查于 {when}",
    "dashboard.empty": "尚未设置任何自托管服务器。",
    "dashboard.addInstance": "添加实例",
    "dashboard.col.status": "状态",
    "dashboard.col.instance": "实例",
    "dashboard.col.name": "组织或账户",
    "dashboard.col.plan": "套餐",
    "dashboard.col.seats": "席位",
    "dashboard.col.expires": "到期",
    "dashboard.col.days": "剩余天数",
    "dashboard.col.sync": "上次计费同步",
    "dashboard.col.check": "服务器下次许可证检查",
    "dashboard.col.problems": "问题",
    "dashboard.check.stays_enabled": "保持启用（{when}）",
    "dashboard.check.disabled": "将于 {when} 停用：{text}",
    "dashboard.check.job_fails": "{when} 检查失败：服务器无法读取其许可证文件",
    "dashboard.check.skipped": "已停用：不再检查",
    "dashboard.check.unknown": "本机无法读取其许可证文件",
    "dashboard.check.fix": "上传正确的许可证",
    "dashboard.status.ok": "正常",
    "dashboard.status.unknown": "未知",
    "dashboard.status.warning": "警告",
    "dashboard.status.error": "错误",
    "dashboard.worst.ok": "一切正常。",
    "dashboard.worst.unknown": "部分服务器无法检查。",
    "dashboard.worst.warning": "有事项需要您尽快处理。",
    "dashboard.worst.error": "有事项需要您立即处理。",
    "dashboard.kind.premium": "高级会员账户",
    "dashboard.kind.instance": "服务器",
    "dashboard.subscriptionEnds": "订阅于 {date} 结束",
    "dashboard.sync.notSetUp": "未设置",
    "dashboard.sync.disabled": "已关闭",
    "dashboard.sync.never": "从未",
    "dashboard.none": "无",
    "dashboard.action.signIn": "登录",
    "dashboard.action.checkServer": "检查服务器",
    "dashboard.action.newLicense": "获取新许可证",
    "dashboard.action.billingSync": "设置计费同步",
    "dashboard.action.installation": "打开安装信息",
    "dashboard.action.editServer": "编辑服务器",
    "dashboard.lastKnown": "最后已知数据，检查于 {date}",
    "dashboard.reachable": "可以连接（服务器版本 {version}）",
    "dashboard.reachableNoVersion": "可以连接",
    "dashboard.noLicenseNeeded": "Vaultwarden 不需要 Bitwarden 许可证；这里没有需要上传或同步的内容",
  },
};

const COLUMNS = ["status", "instance", "name", "plan", "seats", "expires", "days", "sync", "check", "problems"];

/** The next license check's outcomes, best to worst (core: audit::Outcome). */
const CHECK_RANK = { stays_enabled: 0, skipped: 1, unknown: 2, job_fails: 3, disabled: 4 };

/** Status order, best to worst, as the core ranks it (app/status.rs). */
const RANK = { ok: 0, unknown: 1, warning: 2, error: 3 };

const time = (iso) => (iso ? Date.parse(iso) : null);

/** What each column sorts by; a missing value sorts last either way. */
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

/** Rows by key, each with its rendered <tr> (kept while the row is unchanged). */
const entries = new Map();
/** The newest check; answers of an older one are dropped. */
let generation = 0;
let sort = { column: "status", descending: true };
let renderQueued = false;
/** The newest server's progress, not drawn yet. */
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
 * with the others that came meanwhile. */
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

function drawProgress(progress) {
  renderRows();
  if (progress.done < progress.total) {
    summary.textContent = `${t("dashboard.loading")} ${t("dashboard.progress", progress)}`;
  } else {
    showSummary(progress.worst, progress.checkedAt);
  }
}

/** The whole check: every row as the core sorted it, and the summary. */
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

/** Remembers a row, keeping its rendered line when nothing in it changed. */
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

/** Worst first, then fewest days left, then by server and name (the core's order). */
function worstFirst(a, b) {
  const days = (row) => row.daysLeft ?? Number.MAX_SAFE_INTEGER;
  const text = (x, y) => (x < y ? -1 : x > y ? 1 : 0);
  return RANK[b.status] - RANK[a.status]
    || days(a) - days(b)
    || text(a.instanceName, b.instanceName)
    || text(a.name, b.name);
}

function compare(a, b) {
  const value = SORT_VALUE[sort.column];
  const x = value(a);
  const y = value(b);
  if (x == null || y == null) return (x == null) - (y == null) || worstFirst(a, b);
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

/** What the server's next license check will do, and the fix when it disables. */
function checkCell(row, lang) {
  const check = row.nextCheck;
  if (!check) return "—";
  const text = t(`dashboard.check.${check.outcome}`, { when: formatDateTime(check.at, lang), text: check.serverText || "" });
  if (check.outcome !== "disabled" && check.outcome !== "job_fails") return text;
  const fix = el("button", { type: "button", class: "secondary check-action" }, t("dashboard.check.fix"));
  fix.addEventListener("click", () => navigate("license", { instanceId: row.instanceId, orgId: row.orgId, open: "newLicense" }));
  return [el("div", {}, text), fix];
}

function syncText(row, lang) {
  if (!row.billingSync) return "—";
  if (row.billingSync === "notSetUp") return t("dashboard.sync.notSetUp");
  if (row.billingSync === "disabled") return t("dashboard.sync.disabled");
  return row.lastSync ? formatDate(row.lastSync, lang) : t("dashboard.sync.never");
}

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
