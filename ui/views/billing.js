// Billing sync: per instance and organization, the token (shown masked only), "Sync now"
// and the last sync; and the guided "Set up automatic sync" (check the installation, get
// the token from the cloud account or paste it, run the first sync).
import { t, language } from "../i18n.js";
import { call, listen } from "../ipc.js";
import { el, field, fillInstancePicker, problemBox, problemWords, whileBusy, formatDate, formatDateTime } from "../kit.js";
import { navigate } from "../router.js";

/** @typedef {import("../../src-tauri/ipc").InstanceBilling} InstanceBilling */
/** @typedef {import("../../src-tauri/ipc").OrganizationBilling} OrganizationBilling */

const ui = {};
/** @type {InstanceBilling | null} */
let overview = null;

/** Date and time in the current language. */
function formatWhen(iso) {
  return iso ? formatDateTime(iso, language()) : t("billing.never");
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
    field("setup-code", "setup.code", ui.code));
  ui.getToken = el("button", { id: "setup-get-token", type: "button", "data-i18n": "setup.getToken" });
  ui.getToken.addEventListener("click", () => whileBusy(ui.getToken, fetchToken));
  ui.progress = el("progress", { id: "setup-progress", hidden: true });
  ui.stage = el("span", { id: "setup-stage", role: "status", "aria-live": "polite" });
  ui.tokenResult = el("div", { id: "setup-token-result", role: "status", "aria-live": "polite" });
  ui.cloudPanel = el("div", { id: "setup-cloud" },
    ui.cloudLoad, ui.cloudAccount,
    field("setup-cloud-org", "setup.cloudOrg", ui.cloudOrg),
    el("p", { class: "choices" }, el("span", {}, ui.rotate, " ", el("label", { for: "setup-rotate", "data-i18n": "setup.rotate" }))),
    ui.rotateWarning,
    field("setup-password", "setup.password", ui.password),
    el("p", {}, ui.sendCode),
    ui.codeRow,
    el("p", {}, ui.getToken, " ", ui.progress, " ", ui.stage),
    ui.tokenResult);

  ui.pasteToken = el("input", { type: "password", id: "setup-paste-token", autocomplete: "off" });
  ui.pasteSave = el("button", { id: "setup-paste-save", type: "button", "data-i18n": "setup.pasteSave" });
  ui.pasteSave.addEventListener("click", () => whileBusy(ui.pasteSave, pasteToken));
  ui.pasteResult = el("div", { id: "setup-paste-result", role: "status", "aria-live": "polite" });
  ui.pastePanel = el("div", { id: "setup-paste", hidden: true },
    field("setup-paste-token", "setup.pasteToken", ui.pasteToken), ui.pasteSave, ui.pasteResult);

  ui.firstSync = el("button", { id: "setup-first-sync", type: "button", "data-i18n": "setup.firstSync" });
  ui.firstSync.addEventListener("click", () => whileBusy(ui.firstSync, firstSync));
  ui.syncResult = el("div", { id: "setup-sync-result", role: "status", "aria-live": "polite" });

  ui.setup = el("div", { class: "card", id: "billing-setup" },
    el("h2", { id: "setup-heading", "data-i18n": "setup.heading" }),
    el("p", { "data-i18n": "setup.intro" }),
    field("setup-org", "setup.org", ui.setupOrg),
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
  fillInstancePicker(ui.instance, settings.instances, params.instanceId || ui.instance.value);
  const none = settings.instances.length === 0;
  ui.empty.hidden = !none;
  document.getElementById("billing-instance-row").hidden = none;
  ui.setup.hidden = none;
  if (none) {
    ui.orgs.replaceChildren();
    ui.summary.replaceChildren();
    return;
  }
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

/**
 * One organization: connection, masked token, last sync, dates, and its actions.
 * @param {OrganizationBilling} org
 */
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

/**
 * The "Renew automatically" switch of an organization (or, with `org` null, of premium).
 * @param {OrganizationBilling | null} org
 * @param {boolean} on
 * @param {string} labelKey
 */
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

/**
 * Shows an organization's new state in place, with a message under it.
 * @param {HTMLElement} card
 * @param {OrganizationBilling} org
 * @param {HTMLElement} message
 */
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
      o.problem ? `${o.name} · ${problemWords(o.problem).message}`
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

/**
 * Re-renders an organization's card after a set-up step changed it.
 * @param {OrganizationBilling} org
 */
function refreshCard(org) {
  const card = ui.orgs.querySelector(`.billing-org[data-org='${org.id}']`);
  if (!card) return;
  const index = overview.organizations.findIndex((o) => o.id === org.id);
  if (index >= 0) overview.organizations[index] = org;
  card.replaceWith(orgCard(org));
}
