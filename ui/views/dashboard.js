// Dashboard: every instance's organizations and premium accounts, worst first, with the
// problems found and one button per problem (computed in core: app/dashboard.rs).
import { t, language } from "../i18n.js";
import { call } from "../ipc.js";
import { el, problemBox, whileBusy, formatDate, formatDateTime } from "../kit.js";
import { navigate } from "../router.js";

export const strings = {
  en: {
    "dashboard.heading": "Dashboard",
    "dashboard.refresh": "Refresh",
    "dashboard.loading": "Checking every server…",
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
    "dashboard.col.problems": "Problems",
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
    "dashboard.col.problems": "问题",
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

const COLUMNS = ["status", "instance", "name", "plan", "seats", "expires", "days", "sync", "problems"];

let refreshButton;
let summary;
let body;
let table;
let empty;
let failure;

export function mount(section) {
  refreshButton = el("button", { id: "dashboard-refresh", type: "button", class: "secondary", "data-i18n": "dashboard.refresh" });
  refreshButton.addEventListener("click", () => whileBusy(refreshButton, load));
  summary = el("p", { id: "dashboard-summary", role: "status", "aria-live": "polite" });
  failure = el("div", { id: "dashboard-failure" });
  body = el("tbody", { id: "dashboard-rows" });
  table = el("table", { id: "dashboard-table" },
    el("thead", {}, el("tr", {}, COLUMNS.map((c) => el("th", { scope: "col", "data-i18n": `dashboard.col.${c}` })))),
    body);
  const addButton = el("button", { id: "dashboard-add-instance", type: "button", "data-i18n": "dashboard.addInstance" });
  addButton.addEventListener("click", () => navigate("instances", { open: "add" }));
  empty = el("div", { id: "dashboard-empty", hidden: true },
    el("p", { "data-i18n": "dashboard.empty" }), addButton);
  section.append(el("div", { class: "card" },
    el("div", { class: "row-between" },
      el("h2", { id: "dashboard-heading", "data-i18n": "dashboard.heading" }), refreshButton),
    summary, failure, empty, el("div", { class: "table-scroll" }, table)));
}

export async function show() {
  await whileBusy(refreshButton, load);
}

async function load() {
  failure.replaceChildren();
  summary.textContent = t("dashboard.loading");
  try {
    render(await call("dashboard_load"));
  } catch (error) {
    summary.textContent = "";
    failure.replaceChildren(problemBox(error));
  }
}

function render(dashboard) {
  const lang = language();
  empty.hidden = dashboard.rows.length > 0;
  table.hidden = dashboard.rows.length === 0;
  const when = formatDateTime(dashboard.checkedAt, lang);
  summary.dataset.status = dashboard.worst;
  summary.className = `status-${dashboard.worst}`;
  summary.textContent = dashboard.rows.length
    ? `${t(`dashboard.worst.${dashboard.worst}`)} ${t("dashboard.checked", { when })}`
    : "";
  body.replaceChildren(...dashboard.rows.map((row) => renderRow(row, lang)));
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
  el("td", { class: "dash-problems" },
    row.problems.length ? row.problems.map(renderProblem) : t("dashboard.none")));
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
