// Billing sync: per instance and organization, the token (shown masked only), "Sync now"
// and the last sync; and the guided "Set up automatic sync" (check the installation, get
// the token from the cloud account or paste it, run the first sync).
import { t, language } from "../i18n.js";
import { call, listen } from "../ipc.js";
import { el, problemBox, whileBusy, formatDate, formatDateTime, localizeDates } from "../kit.js";
import { navigate } from "../router.js";

export const strings = {
  en: {
    "billing.heading": "Billing sync",
    "billing.intro": "The self-hosted server fetches each organization's license from Bitwarden cloud with its billing sync token. The token is kept in your keychain and shown here only masked.",
    "billing.instance": "Instance",
    "billing.reload": "Reload",
    "billing.noInstances": "Add your self-hosted server under Instances first.",
    "billing.toInstances": "Go to Instances",
    "billing.summary": "{server} · signed in as {email}",
    "billing.cloudOn": "Cloud communication is on.",
    "billing.cloudOff": "Cloud communication is off on this server: billing sync cannot work until it is turned on (see step 1 below).",
    "billing.noOrgs": "This account owns no organization on this server.",
    "billing.connection": "Connection",
    "billing.connection.enabled": "enabled",
    "billing.connection.disabled": "disabled",
    "billing.connection.none": "none (no token set)",
    "billing.token": "Token",
    "billing.token.none": "not set",
    "billing.token.keychain": "(in your keychain)",
    "billing.token.server": "(server's copy)",
    "billing.token.mismatch": "Your keychain holds a different token than the server: save the right one again.",
    "billing.lastSync": "Last sync",
    "billing.never": "Never",
    "billing.renewal": "Renewal date",
    "billing.graceEnds": "Grace period ends",
    "billing.newToken": "New billing sync token",
    "billing.saveToken": "Save token",
    "billing.syncNow": "Sync now",
    "billing.saved": "Token saved on the server and in your keychain.",
    "billing.synced": "Synced: the server fetched the license from the cloud.",
    "billing.renewAuto": "Renew automatically",
    "billing.renewAutoHint": "Once a day, a newer license from your cloud account is applied when the server's checks pass and nothing is taken away; the old one is archived. Works for Families too. Needs the cloud sign-in and the installation folder.",
    "billing.renewPremium": "Renew my premium automatically",
    "billing.renewOn": "Automatic renewal is on: checking now.",
    "billing.renewOff": "Automatic renewal is off.",
    "setup.heading": "Set up automatic sync",
    "setup.intro": "Three steps: check the installation, get the token, run the first sync. Each step shows what it found.",
    "setup.org": "Organization",
    "setup.step1": "1. Check the installation",
    "setup.check": "Check",
    "setup.ready": "Ready: cloud communication is on and the region matches.",
    "setup.checkFirst": "Run step 1 first: the next steps open once the installation is ready for billing sync.",
    "setup.fixFirst": "Fix the problems found in step 1, then press Check again: a token or a sync would fail until then.",
    "setup.installation": "Installation {id} · region {region} · read from {source}",
    "setup.noPlace": "The app does not know where this server's installation lives, so only the server's answer was checked. Add it under Instances to check the region too.",
    "setup.step2": "2. Get the billing sync token",
    "setup.fromCloud": "From my Bitwarden cloud account",
    "setup.fromPaste": "Paste it",
    "setup.loadCloud": "Load my cloud organizations",
    "setup.cloudOrg": "Cloud organization",
    "setup.cloudOrg.made": "{name} · token made {date}",
    "setup.cloudOrg.none": "{name} · no token yet",
    "setup.cloudAccount": "Cloud account {email} ({region})",
    "setup.rotate": "Rotate: make a new token",
    "setup.rotateWarning": "The old token stops working at once. This organization's server gets the new one now; any other server using the old token must be updated too.",
    "setup.password": "Master password of the cloud account",
    "setup.sendCode": "E-mail me a code instead",
    "setup.codeSent": "Bitwarden e-mailed a code to {email}.",
    "setup.code": "Verification code",
    "setup.getToken": "Get the token and save it",
    "setup.stage.signing-in": "Signing in…",
    "setup.stage.verifying": "Checking your master password (this takes a few seconds)…",
    "setup.stage.fetching": "Getting the token from the cloud…",
    "setup.stage.saving": "Saving it in your keychain and on the server…",
    "setup.stage.done": "Done.",
    "setup.gotToken": "Token {token} saved in your keychain and on the server (connection {verb}).",
    "setup.created": "created",
    "setup.updated": "updated",
    "setup.pasteToken": "Billing sync token",
    "setup.pasteSave": "Save the token",
    "setup.step3": "3. Run the first sync",
    "setup.firstSync": "Sync now",
    "setup.synced": "Synced. Last sync {when}.",
  },
  "zh-CN": {
    "billing.heading": "计费同步",
    "billing.intro": "自托管服务器使用每个组织的计费同步令牌从 Bitwarden 云端获取许可证。令牌保存在您的钥匙串中，此处只显示掩码。",
    "billing.instance": "实例",
    "billing.reload": "重新加载",
    "billing.noInstances": "请先在“实例”中添加您的自托管服务器。",
    "billing.toInstances": "前往“实例”",
    "billing.summary": "{server} · 已登录为 {email}",
    "billing.cloudOn": "云通信已开启。",
    "billing.cloudOff": "此服务器的云通信已关闭：开启之前计费同步无法工作（见下方第 1 步）。",
    "billing.noOrgs": "此账户在该服务器上没有拥有的组织。",
    "billing.connection": "连接",
    "billing.connection.enabled": "已启用",
    "billing.connection.disabled": "已停用",
    "billing.connection.none": "无（未设置令牌）",
    "billing.token": "令牌",
    "billing.token.none": "未设置",
    "billing.token.keychain": "（在您的钥匙串中）",
    "billing.token.server": "（服务器上的副本）",
    "billing.token.mismatch": "您钥匙串中的令牌与服务器上的不同：请重新保存正确的令牌。",
    "billing.lastSync": "上次同步",
    "billing.never": "从未",
    "billing.renewal": "续订日期",
    "billing.graceEnds": "宽限期结束",
    "billing.newToken": "新的计费同步令牌",
    "billing.saveToken": "保存令牌",
    "billing.syncNow": "立即同步",
    "billing.saved": "令牌已保存到服务器和您的钥匙串。",
    "billing.synced": "已同步：服务器已从云端获取许可证。",
    "billing.renewAuto": "自动更新",
    "billing.renewAutoHint": "每天一次：当服务器的检查全部通过且不会失去任何内容时，应用云账户中更新的许可证，并存档旧许可证。家庭组织同样适用。需要登录云账户并设置安装文件夹。",
    "billing.renewPremium": "自动更新我的高级版",
    "billing.renewOn": "自动更新已开启：正在检查。",
    "billing.renewOff": "自动更新已关闭。",
    "setup.heading": "设置自动同步",
    "setup.intro": "三个步骤：检查安装、获取令牌、运行首次同步。每一步都会显示结果。",
    "setup.org": "组织",
    "setup.step1": "1. 检查安装",
    "setup.check": "检查",
    "setup.ready": "就绪：云通信已开启，区域一致。",
    "setup.checkFirst": "请先运行第 1 步：安装可以进行计费同步后，后续步骤才会开放。",
    "setup.fixFirst": "请修复第 1 步发现的问题，然后再次点击“检查”：在此之前获取令牌或同步都会失败。",
    "setup.installation": "安装 {id} · 区域 {region} · 读取自 {source}",
    "setup.noPlace": "应用不知道此服务器的安装位置，因此只检查了服务器的回答。在“实例”中添加安装位置即可同时检查区域。",
    "setup.step2": "2. 获取计费同步令牌",
    "setup.fromCloud": "从我的 Bitwarden 云账户获取",
    "setup.fromPaste": "粘贴令牌",
    "setup.loadCloud": "加载我的云端组织",
    "setup.cloudOrg": "云端组织",
    "setup.cloudOrg.made": "{name} · 令牌创建于 {date}",
    "setup.cloudOrg.none": "{name} · 尚无令牌",
    "setup.cloudAccount": "云账户 {email}（{region}）",
    "setup.rotate": "轮换：生成新令牌",
    "setup.rotateWarning": "旧令牌会立即失效。此组织的服务器现在会获得新令牌；其他使用旧令牌的服务器也必须更新。",
    "setup.password": "云账户的主密码",
    "setup.sendCode": "改为通过电子邮件发送验证码",
    "setup.codeSent": "Bitwarden 已将验证码发送到 {email}。",
    "setup.code": "验证码",
    "setup.getToken": "获取令牌并保存",
    "setup.stage.signing-in": "正在登录…",
    "setup.stage.verifying": "正在验证您的主密码（需要几秒钟）…",
    "setup.stage.fetching": "正在从云端获取令牌…",
    "setup.stage.saving": "正在保存到您的钥匙串和服务器…",
    "setup.stage.done": "完成。",
    "setup.gotToken": "令牌 {token} 已保存到您的钥匙串和服务器（连接已{verb}）。",
    "setup.created": "创建",
    "setup.updated": "更新",
    "setup.pasteToken": "计费同步令牌",
    "setup.pasteSave": "保存令牌",
    "setup.step3": "3. 运行首次同步",
    "setup.firstSync": "立即同步",
    "setup.synced": "已同步。上次同步 {when}。",
  },
};

const ui = {};
let overview = null;

/** Date and time in the current language. */
function formatWhen(iso) {
  return iso ? formatDateTime(iso, language()) : t("billing.never");
}

function labelled(id, key, control) {
  return el("p", { class: "field" }, el("label", { for: id, "data-i18n": key }), " ", control);
}

export function mount(section) {
  ui.instance = el("select", { id: "billing-instance" });
  ui.instance.addEventListener("change", () => load());
  ui.reload = el("button", { id: "billing-reload", type: "button", class: "secondary", "data-i18n": "billing.reload" });
  ui.reload.addEventListener("click", () => whileBusy(ui.reload, load));
  ui.summary = el("div", { id: "billing-summary", role: "status", "aria-live": "polite" });
  ui.orgs = el("div", { id: "billing-orgs", class: "billing-orgs" });
  ui.empty = el("div", { id: "billing-empty", hidden: true },
    el("p", { "data-i18n": "billing.noInstances" }),
    el("button", { type: "button", "data-i18n": "billing.toInstances", onclick: () => navigate("instances") }));

  section.append(
    el("div", { class: "card" },
      el("h2", { id: "billing-heading", "data-i18n": "billing.heading" }),
      el("p", { "data-i18n": "billing.intro" }),
      ui.empty,
      el("p", { class: "field", id: "billing-instance-row" },
        el("label", { for: "billing-instance", "data-i18n": "billing.instance" }), " ", ui.instance, " ", ui.reload),
      ui.summary),
    ui.orgs,
    mountSetup(),
  );
  listen("billing-progress", ({ stage }) => {
    ui.stage.textContent = t(`setup.stage.${stage}`);
    ui.progress.hidden = stage === "done";
  });
}

function mountSetup() {
  ui.setupOrg = el("select", { id: "setup-org" });
  ui.check = el("button", { id: "setup-check", type: "button", "data-i18n": "setup.check" });
  ui.check.addEventListener("click", () => whileBusy(ui.check, checkInstallation));
  ui.checkResult = el("div", { id: "setup-check-result", role: "status", "aria-live": "polite" });
  ui.blocked = el("p", { id: "setup-blocked", class: "status-warning", role: "status" });

  ui.sourceCloud = el("input", { type: "radio", name: "setup-source", id: "setup-source-cloud", value: "cloud", checked: true });
  ui.sourcePaste = el("input", { type: "radio", name: "setup-source", id: "setup-source-paste", value: "paste" });
  for (const radio of [ui.sourceCloud, ui.sourcePaste]) radio.addEventListener("change", showSource);

  ui.cloudLoad = el("button", { id: "setup-cloud-load", type: "button", class: "secondary", "data-i18n": "setup.loadCloud" });
  ui.cloudLoad.addEventListener("click", () => whileBusy(ui.cloudLoad, loadCloudOrgs));
  ui.cloudAccount = el("p", { id: "setup-cloud-account", role: "status" });
  ui.cloudOrg = el("select", { id: "setup-cloud-org" });
  ui.rotate = el("input", { type: "checkbox", id: "setup-rotate" });
  ui.rotateWarning = el("p", { id: "setup-rotate-warning", class: "warning", role: "alert", hidden: true, "data-i18n": "setup.rotateWarning" });
  ui.rotate.addEventListener("change", () => { ui.rotateWarning.hidden = !ui.rotate.checked; });
  ui.password = el("input", { type: "password", id: "setup-password", autocomplete: "off" });
  ui.sendCode = el("button", { id: "setup-send-code", type: "button", class: "secondary", "data-i18n": "setup.sendCode" });
  ui.sendCode.addEventListener("click", () => whileBusy(ui.sendCode, sendCode));
  ui.code = el("input", { type: "text", id: "setup-code", autocomplete: "one-time-code", inputmode: "numeric" });
  ui.codeRow = el("div", { id: "setup-code-row", hidden: true },
    el("p", { id: "setup-code-sent", role: "status" }),
    labelled("setup-code", "setup.code", ui.code));
  ui.getToken = el("button", { id: "setup-get-token", type: "button", "data-i18n": "setup.getToken" });
  ui.getToken.addEventListener("click", () => whileBusy(ui.getToken, fetchToken));
  ui.progress = el("progress", { id: "setup-progress", hidden: true });
  ui.stage = el("span", { id: "setup-stage", role: "status", "aria-live": "polite" });
  ui.tokenResult = el("div", { id: "setup-token-result", role: "status", "aria-live": "polite" });
  ui.cloudPanel = el("div", { id: "setup-cloud" },
    ui.cloudLoad, ui.cloudAccount,
    labelled("setup-cloud-org", "setup.cloudOrg", ui.cloudOrg),
    el("p", { class: "choices" }, el("span", {}, ui.rotate, " ", el("label", { for: "setup-rotate", "data-i18n": "setup.rotate" }))),
    ui.rotateWarning,
    labelled("setup-password", "setup.password", ui.password),
    el("p", {}, ui.sendCode),
    ui.codeRow,
    el("p", {}, ui.getToken, " ", ui.progress, " ", ui.stage),
    ui.tokenResult);

  ui.pasteToken = el("input", { type: "password", id: "setup-paste-token", autocomplete: "off" });
  ui.pasteSave = el("button", { id: "setup-paste-save", type: "button", "data-i18n": "setup.pasteSave" });
  ui.pasteSave.addEventListener("click", () => whileBusy(ui.pasteSave, pasteToken));
  ui.pasteResult = el("div", { id: "setup-paste-result", role: "status", "aria-live": "polite" });
  ui.pastePanel = el("div", { id: "setup-paste", hidden: true },
    labelled("setup-paste-token", "setup.pasteToken", ui.pasteToken), ui.pasteSave, ui.pasteResult);

  ui.firstSync = el("button", { id: "setup-first-sync", type: "button", "data-i18n": "setup.firstSync" });
  ui.firstSync.addEventListener("click", () => whileBusy(ui.firstSync, firstSync));
  ui.syncResult = el("div", { id: "setup-sync-result", role: "status", "aria-live": "polite" });

  ui.setup = el("div", { class: "card", id: "billing-setup" },
    el("h2", { id: "setup-heading", "data-i18n": "setup.heading" }),
    el("p", { "data-i18n": "setup.intro" }),
    labelled("setup-org", "setup.org", ui.setupOrg),
    el("section", { class: "setup-step", id: "setup-step1", "aria-labelledby": "setup-step1-h" },
      el("h3", { id: "setup-step1-h", "data-i18n": "setup.step1" }), ui.check, ui.checkResult, ui.blocked),
    el("section", { class: "setup-step", id: "setup-step2", "aria-labelledby": "setup-step2-h" },
      el("h3", { id: "setup-step2-h", "data-i18n": "setup.step2" }),
      el("p", { class: "choices", role: "radiogroup" },
        el("span", {}, ui.sourceCloud, " ", el("label", { for: "setup-source-cloud", "data-i18n": "setup.fromCloud" })),
        el("span", {}, ui.sourcePaste, " ", el("label", { for: "setup-source-paste", "data-i18n": "setup.fromPaste" }))),
      ui.cloudPanel, ui.pastePanel),
    el("section", { class: "setup-step", id: "setup-step3", "aria-labelledby": "setup-step3-h" },
      el("h3", { id: "setup-step3-h", "data-i18n": "setup.step3" }), ui.firstSync, ui.syncResult),
  );
  return ui.setup;
}

export async function show(params = {}) {
  let settings;
  try {
    settings = await call("settings_get");
  } catch (error) {
    ui.summary.replaceChildren(problemBox(error));
    return;
  }
  const chosen = params.instanceId || ui.instance.value;
  ui.instance.replaceChildren(...settings.instances.map((i) => el("option", { value: i.id }, i.name)));
  const none = settings.instances.length === 0;
  ui.empty.hidden = !none;
  document.getElementById("billing-instance-row").hidden = none;
  ui.setup.hidden = none;
  if (none) {
    ui.orgs.replaceChildren();
    ui.summary.replaceChildren();
    return;
  }
  if (settings.instances.some((i) => i.id === chosen)) ui.instance.value = chosen;
  await load();
}

/** Reads the selected instance's organizations and their billing sync. */
async function load() {
  overview = null;
  ui.orgs.replaceChildren();
  ui.summary.replaceChildren();
  for (const box of [ui.checkResult, ui.tokenResult, ui.pasteResult, ui.syncResult]) box.replaceChildren();
  gate(false, "setup.checkFirst");
  try {
    overview = await call("billing_overview", { instanceId: ui.instance.value });
  } catch (error) {
    ui.summary.replaceChildren(problemBox(error));
    ui.setupOrg.replaceChildren();
    return;
  }
  ui.summary.replaceChildren(...[
    el("p", {}, t("billing.summary", { server: overview.server, email: overview.email })),
    el("p", { class: overview.cloudCommunication ? "status-ok" : "status-error" },
      t(overview.cloudCommunication ? "billing.cloudOn" : "billing.cloudOff")),
    overview.premium ? renewalSwitch(null, overview.renewPremium, "billing.renewPremium") : null,
  ].filter(Boolean));
  if (overview.organizations.length === 0) {
    ui.orgs.replaceChildren(el("p", { class: "card" }, t("billing.noOrgs")));
  } else {
    ui.orgs.replaceChildren(...overview.organizations.map(orgCard));
  }
  const previous = ui.setupOrg.value;
  ui.setupOrg.replaceChildren(...overview.organizations.map((o) => el("option", { value: o.id }, o.name)));
  if (overview.organizations.some((o) => o.id === previous)) ui.setupOrg.value = previous;
}

/** One organization: connection, masked token, last sync, dates, and its actions. */
function orgCard(org) {
  const inputId = `billing-token-input-${org.id}`;
  const input = el("input", { type: "password", id: inputId, class: "token-input", autocomplete: "off" });
  const save = el("button", { type: "button", class: "token-save" }, t("billing.saveToken"));
  const sync = el("button", { type: "button", class: "sync-now secondary", disabled: !org.connected }, t("billing.syncNow"));
  const result = el("div", { class: "billing-result", role: "status", "aria-live": "polite" });
  const card = el("div", { class: "card billing-org", dataset: { org: org.id } });

  save.addEventListener("click", () => whileBusy(save, async () => {
    result.replaceChildren();
    try {
      const updated = await call("billing_save_token", { instanceId: overview.instanceId, orgId: org.id, token: input.value });
      input.value = "";
      replaceCard(card, updated, el("p", { class: "status-ok" }, t("billing.saved")));
    } catch (error) {
      result.replaceChildren(problemBox(error));
    }
  }));
  sync.addEventListener("click", () => whileBusy(sync, async () => {
    result.replaceChildren();
    try {
      const updated = await call("billing_sync_now", { instanceId: overview.instanceId, orgId: org.id });
      replaceCard(card, updated, el("p", { class: "status-ok" }, t("billing.synced")));
    } catch (error) {
      result.replaceChildren(problemBox(error));
    }
  }));

  const connection = !org.connected ? t("billing.connection.none")
    : t(org.enabled ? "billing.connection.enabled" : "billing.connection.disabled");
  const token = org.token
    ? `${org.token} ${t(org.tokenInKeychain ? "billing.token.keychain" : "billing.token.server")}`
    : t("billing.token.none");
  card.append(...[
    el("h3", {}, org.name),
    el("dl", { class: "billing-facts" },
      el("dt", {}, t("billing.connection")), el("dd", { class: "billing-connection" }, connection),
      el("dt", {}, t("billing.token")), el("dd", { class: "billing-token" }, token),
      el("dt", {}, t("billing.lastSync")), el("dd", { class: "billing-last-sync" }, formatWhen(org.lastLicenseSync)),
      el("dt", {}, t("billing.renewal")), el("dd", { class: "billing-renewal" }, formatDate(org.renewal, language())),
      el("dt", {}, t("billing.graceEnds")), el("dd", { class: "billing-grace" }, formatDate(org.expiration, language()))),
    org.keychainMatchesServer === false ? el("p", { class: "status-warning" }, t("billing.token.mismatch")) : null,
    org.keychainProblem ? problemBox(org.keychainProblem) : null,
    el("p", { class: "field" }, el("label", { for: inputId }, t("billing.newToken")), " ", input, " ", save),
    el("p", {}, sync),
    renewalSwitch(org, org.renewAutomatically, "billing.renewAuto"),
    result,
  ].filter(Boolean));
  return card;
}

/** The "Renew automatically" switch of an organization (or, with `org` null, of premium). */
function renewalSwitch(org, on, labelKey) {
  const id = `billing-renew-${org ? org.id : "premium"}`;
  const box = el("input", { type: "checkbox", id, class: "renew-automatically", checked: on });
  const said = el("span", { class: "renew-result", role: "status", "aria-live": "polite" });
  box.addEventListener("change", async () => {
    box.disabled = true;
    said.replaceChildren();
    try {
      const now = await call("billing_set_renewal", { instanceId: overview.instanceId, orgId: org ? org.id : null, on: box.checked });
      if (org) org.renewAutomatically = now;
      else overview.renewPremium = now;
      said.replaceChildren(t(now ? "billing.renewOn" : "billing.renewOff"));
    } catch (error) {
      box.checked = !box.checked;
      said.replaceChildren(problemBox(error));
    } finally {
      box.disabled = false;
    }
  });
  return el("div", { class: "renew-switch" },
    el("p", {}, box, " ", el("label", { for: id }, t(labelKey)), " ", said),
    el("p", { class: "hint" }, t("billing.renewAutoHint")));
}

/** Shows an organization's new state in place, with a message under it. */
function replaceCard(card, org, message) {
  const index = overview.organizations.findIndex((o) => o.id === org.id);
  if (index >= 0) overview.organizations[index] = org;
  const fresh = orgCard(org);
  fresh.querySelector(".billing-result").replaceChildren(message);
  card.replaceWith(fresh);
}

function selectedOrg() {
  return overview?.organizations.find((o) => o.id === ui.setupOrg.value);
}

async function checkInstallation() {
  ui.checkResult.replaceChildren();
  try {
    const found = await call("billing_setup_check", { instanceId: ui.instance.value });
    const lines = [];
    if (found.source) {
      lines.push(el("p", {}, t("setup.installation", {
        id: found.installationId || "—", region: found.region, source: found.source,
      })));
    } else {
      lines.push(el("p", {}, t("setup.noPlace")));
    }
    if (found.ready) lines.push(el("p", { class: "status-ok setup-ready" }, t("setup.ready")));
    lines.push(...found.problems.map(problemBox));
    ui.checkResult.replaceChildren(...lines);
    gate(found.ready, "setup.fixFirst");
  } catch (error) {
    ui.checkResult.replaceChildren(problemBox(error));
    gate(false, "setup.fixFirst");
  }
}

/**
 * Opens steps 2 and 3 only once step 1 found the installation ready, so the flow does not
 * store a token or start a sync that the installation would make fail; `why` says what to
 * do while they are closed.
 */
function gate(ready, why) {
  for (const control of [ui.cloudLoad, ui.sendCode, ui.getToken, ui.pasteSave, ui.firstSync]) control.disabled = !ready;
  ui.blocked.hidden = ready;
  ui.blocked.dataset.i18n = why;
  ui.blocked.textContent = t(why);
}

function showSource() {
  ui.cloudPanel.hidden = !ui.sourceCloud.checked;
  ui.pastePanel.hidden = !ui.sourcePaste.checked;
}

async function loadCloudOrgs() {
  ui.cloudAccount.replaceChildren();
  try {
    const cloud = await call("billing_cloud_orgs");
    ui.cloudAccount.textContent = t("setup.cloudAccount", { email: cloud.email, region: cloud.region });
    ui.cloudOrg.replaceChildren(...cloud.organizations.map((o) => el("option", { value: o.id, disabled: !!o.problem },
      o.problem ? `${o.name} · ${localizeDates(o.problem.message)}`
        : t(o.tokenDate ? "setup.cloudOrg.made" : "setup.cloudOrg.none", { name: o.name, date: formatDate(o.tokenDate, language()) }))));
    const usable = cloud.organizations.filter((o) => !o.problem);
    const linked = usable.find((o) => o.id === selectedOrg()?.cloudOrganizationId);
    if (linked || usable[0]) ui.cloudOrg.value = (linked || usable[0]).id;
  } catch (error) {
    ui.cloudAccount.replaceChildren(problemBox(error));
  }
}

async function sendCode() {
  try {
    const email = await call("billing_request_code");
    document.getElementById("setup-code-sent").textContent = t("setup.codeSent", { email });
    ui.codeRow.hidden = false;
    ui.code.focus();
  } catch (error) {
    ui.tokenResult.replaceChildren(problemBox(error));
  }
}

async function fetchToken() {
  ui.tokenResult.replaceChildren();
  const org = selectedOrg();
  if (!org || !ui.cloudOrg.value) return;
  ui.progress.hidden = false;
  try {
    const got = await call("billing_fetch_token", {
      instanceId: overview.instanceId,
      orgId: org.id,
      cloudOrgId: ui.cloudOrg.value,
      rotate: ui.rotate.checked,
      password: ui.codeRow.hidden ? ui.password.value : null,
      code: ui.codeRow.hidden ? null : ui.code.value,
    });
    ui.tokenResult.replaceChildren(el("p", { class: "status-ok" },
      t("setup.gotToken", { token: got.masked, verb: t(got.created ? "setup.created" : "setup.updated") })));
    refreshCard(got.organization);
    ui.rotate.checked = false;
    ui.rotateWarning.hidden = true;
  } catch (error) {
    ui.stage.textContent = "";
    ui.tokenResult.replaceChildren(problemBox(error));
  } finally {
    ui.password.value = "";
    ui.code.value = "";
    ui.progress.hidden = true;
  }
}

async function pasteToken() {
  ui.pasteResult.replaceChildren();
  const org = selectedOrg();
  if (!org) return;
  try {
    const updated = await call("billing_save_token", { instanceId: overview.instanceId, orgId: org.id, token: ui.pasteToken.value });
    ui.pasteToken.value = "";
    ui.pasteResult.replaceChildren(el("p", { class: "status-ok" }, t("billing.saved")));
    refreshCard(updated);
  } catch (error) {
    ui.pasteResult.replaceChildren(problemBox(error));
  }
}

async function firstSync() {
  ui.syncResult.replaceChildren();
  const org = selectedOrg();
  if (!org) return;
  try {
    const updated = await call("billing_sync_now", { instanceId: overview.instanceId, orgId: org.id });
    ui.syncResult.replaceChildren(el("p", { class: "status-ok" }, t("setup.synced", { when: formatWhen(updated.lastLicenseSync) })));
    refreshCard(updated);
  } catch (error) {
    ui.syncResult.replaceChildren(problemBox(error));
  }
}

/** Re-renders an organization's card after a set-up step changed it. */
function refreshCard(org) {
  const card = ui.orgs.querySelector(`.billing-org[data-org='${org.id}']`);
  if (!card) return;
  const index = overview.organizations.findIndex((o) => o.id === org.id);
  if (index >= 0) overview.organizations[index] = org;
  card.replaceWith(orgCard(org));
}
