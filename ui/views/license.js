// License: open a license (native picker, drop, cloud download), read its report in plain
// words, apply it to an instance after confirming what changes, see what was applied
// before (and restore it), and create an organization from an organization license.
import { t, language } from "../i18n.js";
import { call, listen } from "../ipc.js";
import { el, fillInstancePicker, problemBox, problemWords, say, sayAll, whileBusy, formatDate, formatDateTime, localizeDates } from "../kit.js";
import { navigate } from "../router.js";

/** @typedef {import("../../src-tauri/ipc").Change} Change */
/** @typedef {import("../../src-tauri/ipc").CloudChoices} CloudChoices */
/** @typedef {import("../../src-tauri/ipc").HistoryEntry} HistoryEntry */
/** @typedef {import("../../src-tauri/ipc").Instance} Instance */
/** @typedef {import("../../src-tauri/ipc").Loss} Loss */
/** @typedef {import("../../src-tauri/ipc").OpenedReport} OpenedReport */
/** @typedef {import("../../src-tauri/ipc").PlannedUpload} PlannedUpload */
/** @typedef {import("../../src-tauri/ipc").TargetArg} TargetArg */
/** @typedef {import("../../src-tauri/ipc").Targets} Targets */

// Elements built once in mount().
const ui = {};
// What the view shows now.
/** @type {OpenedReport | null} */
let report = null;
/** @type {Targets | null} */
let targets = null;
/** Counts the asks for targets; an answer to an older one is dropped. */
let targetsAsked = 0;
let planId = null;
/** @type {Array<Instance>} */
let instances = [];
// The plan in the review: the name it must be confirmed with, if any.
let confirmName = null;

export function mount(section) {
  ui.instance = el("select", { id: "license-instance" });
  ui.instance.addEventListener("change", instanceChanged);
  ui.open = el("button", { id: "license-open", type: "button", "data-i18n": "license.open" });
  ui.open.addEventListener("click", () => whileBusy(ui.open, pick));
  ui.openStatus = el("div", { id: "license-open-status", role: "status", "aria-live": "polite" });

  ui.cloudOrg = el("select", { id: "license-cloud-org" });
  ui.downloadOrg = el("button", { id: "license-download-org", type: "button", class: "secondary", "data-i18n": "license.download.orgButton" });
  ui.downloadOrg.addEventListener("click", () => whileBusy(ui.downloadOrg, () => download(ui.cloudOrg.value)));
  ui.cloudLoad = el("button", { id: "license-cloud-load", type: "button", class: "secondary", "data-i18n": "license.download.reload" });
  ui.cloudLoad.addEventListener("click", () => whileBusy(ui.cloudLoad, () => loadCloudOrgs()));
  ui.cloudStatus = el("div", { id: "license-cloud-status", role: "status", "aria-live": "polite" });
  ui.downloadPremium = el("button", { id: "license-download-premium", type: "button", class: "secondary", "data-i18n": "license.download.premium" });
  ui.downloadPremium.addEventListener("click", () => whileBusy(ui.downloadPremium, () => download(null)));

  ui.report = el("div", { id: "license-report", class: "card", hidden: true });

  ui.target = el("select", { id: "license-target" });
  ui.target.addEventListener("change", showBelonging);
  ui.belonging = el("div", { id: "license-belonging" });
  ui.review = el("button", { id: "license-review", type: "button", "data-i18n": "license.apply.review" });
  ui.review.addEventListener("click", () => whileBusy(ui.review, review));
  ui.applyStatus = el("div", { id: "license-apply-status", role: "status", "aria-live": "polite" });
  ui.apply = el("div", { id: "license-apply", class: "card", hidden: true },
    el("h3", { "data-i18n": "license.apply.heading" }),
    el("label", { for: "license-target", "data-i18n": "license.apply.target" }), " ", ui.target, " ", ui.review,
    ui.belonging, ui.applyStatus);

  ui.collection = el("input", { id: "license-collection", type: "text", maxlength: "200" });
  ui.createButton = el("button", { id: "license-create-btn", type: "button", "data-i18n": "license.create.button" });
  ui.createButton.addEventListener("click", () => whileBusy(ui.createButton, createOrganization));
  ui.createProgress = el("p", { id: "license-create-progress", role: "status", "aria-live": "polite" });
  ui.created = el("div", { id: "license-created" });
  ui.create = el("div", { id: "license-create", class: "card", hidden: true },
    el("h3", { "data-i18n": "license.create.heading" }),
    el("p", { "data-i18n": "license.create.intro" }),
    el("label", { for: "license-collection", "data-i18n": "license.create.collection" }), " ", ui.collection, " ",
    ui.createButton, ui.createProgress, ui.created);

  ui.history = el("div", { id: "license-history" });

  ui.changes = el("tbody");
  ui.unchanged = el("details", { id: "license-unchanged" });
  ui.confirmLosses = el("div", { id: "license-confirm-losses" });
  ui.confirmName = el("input", { id: "license-confirm-name", type: "text", autocomplete: "off", spellcheck: "false" });
  ui.confirmName.addEventListener("input", updateSend);
  ui.confirmNameLabel = el("label", { for: "license-confirm-name", id: "license-confirm-name-label" });
  ui.confirmNameBox = el("div", { id: "license-confirm-name-box", hidden: true }, ui.confirmNameLabel, " ", ui.confirmName);
  ui.confirmKept = el("p", { id: "license-confirm-kept" });
  ui.confirmNotes = el("ul", { id: "license-confirm-notes", class: "notes" });
  ui.confirmRefused = el("div", { id: "license-confirm-refused" });
  ui.confirmSend = el("button", { id: "license-confirm-send", type: "button", "data-i18n": "license.confirm.send" });
  ui.confirmSend.addEventListener("click", () => whileBusy(ui.confirmSend, send));
  const cancel = el("button", { id: "license-confirm-cancel", type: "button", class: "secondary", "data-i18n": "license.confirm.cancel" });
  cancel.addEventListener("click", () => ui.confirm.close());
  ui.confirm = el("dialog", { id: "license-confirm", "aria-labelledby": "license-confirm-heading" },
    el("h3", { id: "license-confirm-heading" }),
    el("p", { id: "license-confirm-file", class: "hint" }),
    ui.confirmLosses,
    el("table", { id: "license-changes" },
      el("thead", {}, el("tr", {},
        el("th", { scope: "col", "data-i18n": "license.confirm.what" }),
        el("th", { scope: "col", "data-i18n": "license.confirm.now" }),
        el("th", { scope: "col", "data-i18n": "license.confirm.after" }))),
      ui.changes),
    ui.unchanged,
    ui.confirmKept, ui.confirmNotes, ui.confirmRefused, ui.confirmNameBox,
    el("div", { class: "actions" }, ui.confirmSend, " ", cancel));
  // Closing by Escape, Cancel or after sending: an unsent plan is forgotten.
  ui.confirm.addEventListener("close", () => {
    if (planId) call("license_discard_upload", { planId }).catch(() => {});
    planId = null;
  });

  section.append(
    el("h2", { id: "license-heading", "data-i18n": "license.heading" }),
    el("div", { class: "card", id: "license-open-card" },
      el("label", { for: "license-instance", "data-i18n": "license.instance" }), " ", ui.instance, " ", ui.open,
      el("p", { class: "hint", "data-i18n": "license.drop" }),
      el("fieldset", { id: "license-download" },
        el("legend", { "data-i18n": "license.download.heading" }),
        el("label", { for: "license-cloud-org", "data-i18n": "license.download.org" }), " ", ui.cloudOrg, " ",
        ui.downloadOrg, " ", ui.cloudLoad, " ", ui.downloadPremium, ui.cloudStatus),
      ui.openStatus),
    ui.report, ui.apply, ui.create,
    el("div", { class: "card", id: "license-history-card" },
      el("h3", { "data-i18n": "license.history.heading" }), ui.history),
    ui.confirm,
  );

  listen("license-create-progress", ({ step }) => {
    ui.createProgress.textContent = t(`license.create.${step}`);
  });
}

export async function show(params = {}) {
  // What an earlier attempt said no longer holds once the screen is shown again.
  ui.openStatus.replaceChildren();
  ui.applyStatus.replaceChildren();
  let settings = { instances: [] };
  try {
    settings = await call("settings_get");
  } catch (error) {
    ui.openStatus.replaceChildren(problemBox(error));
  }
  instances = settings.instances;
  fillInstancePicker(ui.instance, settings.instances, params.instanceId ?? ui.instance.value, {
    none: t("license.instance.none"),
  });
  if (report) renderReport(report);
  // From a dashboard row: that organization's cloud organization is chosen for download.
  const orgId = params.open === "newLicense" ? params.orgId : null;
  await Promise.all([refreshTargets(), refreshHistory(), loadCloudOrgs(orgId)]);
  if (params.open === "newLicense") ui.downloadOrg.focus();
}

/** Lists the cloud account's organizations to download from; with `orgId` (a
 * self-hosted organization of the chosen instance), the one it belongs to is chosen. */
async function loadCloudOrgs(orgId = null) {
  const kept = ui.cloudOrg.value;
  ui.cloudStatus.replaceChildren(el("p", { class: "hint" }, t("license.download.loading")));
  /** @type {CloudChoices} */
  let cloud;
  try {
    cloud = await call("license_cloud_orgs", { instanceId: orgId ? instanceId() : null, orgId });
  } catch (error) {
    ui.cloudOrg.replaceChildren();
    ui.downloadOrg.disabled = true;
    ui.cloudStatus.replaceChildren(problemBox(error),
      ...(unreachable(error) ? [] : [el("p", { class: "hint" }, t("license.download.signIn"))]));
    return;
  }
  ui.cloudOrg.replaceChildren(...cloud.organizations.map((o) => {
    const plan = o.plan || (o.problem ? problemWords(o.problem).message : "—");
    const key = o.canSelfHost === false ? "license.download.noSelfHost" : "license.download.choice";
    return el("option", { value: o.id, disabled: o.canSelfHost === false }, t(key, { name: o.name, plan }));
  }));
  const usable = cloud.organizations.filter((o) => o.canSelfHost !== false).map((o) => o.id);
  ui.cloudOrg.value = [cloud.linked, kept, usable[0]].find((id) => id && usable.includes(id)) ?? "";
  ui.downloadOrg.disabled = usable.length === 0;
  const linked = cloud.organizations.find((o) => o.id === cloud.linked);
  ui.cloudStatus.replaceChildren(...[
    el("p", { class: "hint", id: "license-cloud-account" }, t("license.download.account", { email: cloud.email })),
    cloud.organizations.length ? null : el("p", { class: "hint" }, t("license.download.none")),
    linked ? el("p", { class: "hint", id: "license-cloud-linked" }, t("license.download.linked", { name: linked.name })) : null,
  ].filter(Boolean));
}

function instanceId() {
  return ui.instance.value || null;
}

async function instanceChanged() {
  ui.applyStatus.replaceChildren();
  if (report) await reinspect(report.id);
  await refreshTargets();
  await refreshHistory();
}

async function pick() {
  ui.openStatus.replaceChildren();
  try {
    const opened = await call("license_pick", { instanceId: instanceId(), title: t("license.pick.title") });
    if (opened) await showOpened(opened);
  } catch (error) {
    openFailed(error);
  }
}

/** A file that could not be opened replaces the one shown before: no verdict or review of
 * the earlier file stays under its error. */
function openFailed(error) {
  report = null;
  targets = null;
  ui.report.hidden = true;
  ui.apply.hidden = true;
  ui.create.hidden = true;
  ui.openStatus.replaceChildren(problemBox(error));
}

/** A license file dropped on the window (`{ id }` or `{ error }`), once this view is open. */
export async function dropped(payload) {
  ui.openStatus.replaceChildren();
  if (payload.error) {
    openFailed(payload.error);
    return;
  }
  await reinspect(payload.id);
  await refreshTargets();
}

async function reinspect(id) {
  try {
    await showOpened(await call("license_report", { id, instanceId: instanceId() }), false);
  } catch (error) {
    ui.openStatus.replaceChildren(problemBox(error));
  }
}

async function download(cloudOrgId) {
  ui.openStatus.replaceChildren(el("p", { class: "hint" }, t("license.download.working")));
  try {
    const opened = await call("license_download", { instanceId: instanceId(), cloudOrgId });
    await showOpened(opened);
    ui.openStatus.replaceChildren(el("p", { class: "success" }, t("license.download.saved")));
  } catch (error) {
    openFailed(error);
  }
}

/**
 * Shows a freshly opened license and what can be done with it on the instance.
 * @param {OpenedReport} opened
 */
async function showOpened(opened, withTargets = true) {
  report = opened;
  ui.applyStatus.replaceChildren();
  ui.created.replaceChildren();
  ui.createProgress.textContent = "";
  renderReport(opened);
  if (withTargets) await refreshTargets();
}

/** @param {OpenedReport} r */
function renderReport(r) {
  const i = r.inspection;
  const l = i.license;
  const d = i.dates;
  const lang = language();
  const when = (iso, days) => {
    if (!iso) return t("license.never");
    const date = formatDate(iso, lang);
    if (days === null || days === undefined) return date;
    return days >= 0 ? t("license.days", { date, days }) : t("license.daysAgo", { date, days: -days });
  };
  const enabled = Object.entries(l.features || {}).filter(([, on]) => on).map(([name]) => featureName(name));
  const rows = [
    ["license.kind", l.trial ? `${t(`license.kind.${i.kind}`)} · ${t("license.kind.trial")}` : t(`license.kind.${i.kind}`)],
    ["license.owner", i.kind === "organization" ? (l.name || l.businessName || "—") : (l.email || l.name || "—")],
    ["license.plan", l.plan || l.planTypeName || "—"],
    ["license.seats", i.kind === "organization" ? (l.seats ?? t("license.seats.unlimited")) : "—"],
    ["license.features", enabled.length ? enabled.join(lang.startsWith("zh") ? "、" : ", ") : t("license.features.none")],
    ["license.issued", formatDate(d.issued, lang)],
    ["license.expires", when(d.expires, d.daysUntilDisabled)],
  ];
  if (d.expirationWithoutGrace) rows.push(["license.grace", when(d.expirationWithoutGrace, d.daysUntilGrace)]);
  if (d.refresh) rows.push(["license.refresh", formatDate(d.refresh, lang)]);
  const summary = el("dl", { id: "license-summary" },
    rows.flatMap(([key, value]) => [el("dt", {}, t(key)), el("dd", { dataset: { field: key.split(".")[1] } }, String(value))]));

  const installation = r.installation
    ? el("p", { id: "license-installation" }, t("license.installation.checked", { id: r.installation.id, origin: r.installation.origin }))
    : r.installationProblem
      ? el("div", { id: "license-installation" }, el("p", {}, t("license.installation.problem")), problemBox(r.installationProblem))
      : el("p", { id: "license-installation", class: "hint" }, t("license.installation.unchecked"));

  const verdict = i.valid
    ? el("p", { id: "license-verdict", class: "verdict ok", dataset: { valid: "true" } }, t("license.verdict.ok"))
    : el("div", { id: "license-verdict", class: "verdict bad", dataset: { valid: "false" } },
      el("p", {}, t("license.verdict.bad")),
      el("pre", { class: "server-message", lang: "en", translate: "no", title: t("license.verdict.serverSays") }, i.serverMessage || ""));

  const checks = el("ul", { id: "license-checks", class: "checks" },
    i.checks.map((c) => el("li", { class: c.ok ? "check pass" : "check fail", dataset: { ok: String(c.ok), code: c.code } },
      el("strong", {}, c.ok ? `✓ ${t("license.check.pass")}` : `✗ ${t("license.check.fail")}`), " ", say(c.phrase),
      c.ok ? null : el("p", { class: "advice" }, sayAll(c.advicePhrases)))));

  const problems = (key, list, id) => list && list.length
    ? [el("h4", { "data-i18n": key }, t(key)), el("ul", { id, class: "notes" },
      list.map((p) => {
        const { message, advice } = problemWords(p);
        return el("li", { dataset: { code: p.code } }, message, " ", el("span", { class: "advice" }, advice));
      }))]
    : [];

  ui.report.replaceChildren(
    el("h3", { id: "license-report-heading" }, `${t("license.report.heading")}: ${r.file}`),
    el("p", { class: "hint", id: "license-source" }, t("license.report.from", { source: r.source })),
    verdict, summary, installation,
    el("h4", {}, t("license.checks")), checks,
    ...problems("license.warnings", i.warnings, "license-warnings"),
    ...problems("license.notChecked", i.notChecked, "license-not-checked"),
  );
  ui.report.hidden = false;
}

/** A feature switch by its name in the catalog (`useSso` -> SSO), or spelled out from the
 * property when the catalog does not know it yet (`useNewThing` -> New thing). */
function featureName(name) {
  const key = `license.feature.${name}`;
  const known = t(key);
  if (known !== key) return known;
  const words = name.replace(/^use(?=[A-Z0-9])/, "").replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Loads where the opened license can go on the chosen instance. Only the latest call's
 * answer is shown: opening the view and opening a license both ask. */
async function refreshTargets() {
  const mine = ++targetsAsked;
  targets = null;
  ui.apply.hidden = true;
  ui.create.hidden = true;
  if (!report || !instanceId()) return;
  ui.apply.hidden = false;
  // Nothing to review, and no earlier choice offered, until the organizations are known.
  ui.review.disabled = true;
  ui.target.replaceChildren();
  ui.belonging.replaceChildren();
  /** @type {Targets} */
  let found;
  try {
    found = await call("license_targets", { instanceId: instanceId(), id: report.id });
  } catch (error) {
    if (mine !== targetsAsked) return;
    ui.review.disabled = true;
    ui.applyStatus.replaceChildren(problemBox(error), whatNext(error));
    return;
  }
  if (mine !== targetsAsked) return;
  targets = found;
  const organization = report.inspection.kind === "organization";
  ui.target.replaceChildren(...(organization
    ? targets.organizations.map((o) => el("option", {
      value: o.id, disabled: o.belonging?.verdict === "another", dataset: { verdict: o.belonging?.verdict ?? "" },
    }, o.belonging ? t(`license.target.${o.belonging.verdict}`, { name: o.name }) : o.name))
    : [el("option", { value: "premium" }, t("license.apply.premium", { email: targets.accountEmail }))]));
  const allowed = [...ui.target.options].filter((o) => !o.disabled).map((o) => o.value);
  ui.target.value = [targets.suggested, allowed[0], ui.target.options[0]?.value].find((v) => v) ?? "";
  showBelonging();
  ui.create.hidden = !targets.canCreate;
  if (targets.canCreate && !ui.collection.value) ui.collection.value = targets.defaultCollection;
}

/** Whether the server did not answer at all, so signing in again would not help. */
function unreachable(error) {
  return error.code === "network_unreachable" || error.code === "timeout";
}

/** After the organizations could not be read: signing in, or testing the connection. */
function whatNext(error) {
  if (unreachable(error)) {
    const test = el("button", { type: "button", class: "secondary", id: "license-test-connection" }, t("license.apply.testConnection"));
    test.addEventListener("click", () => navigate("instances", { instanceId: instanceId(), open: "checkServer" }));
    return el("p", { class: "hint", id: "license-unreachable" }, t("license.apply.unreachable"), " ", test);
  }
  return el("p", { class: "hint" }, t("license.apply.signIn"));
}

/** Says whether the license belongs to the chosen organization; another's is not offered. */
function showBelonging() {
  const org = targets?.organizations.find((o) => o.id === ui.target.value);
  const b = org?.belonging;
  ui.review.disabled = !ui.target.value || b?.verdict === "another";
  if (!b) {
    ui.belonging.replaceChildren();
    return;
  }
  const named = (name, id) => name || t("license.belonging.cloudOrg", { id });
  const text = b.verdict === "same" ? t("license.belonging.same", { name: org.name })
    : b.verdict === "unknown" ? t("license.belonging.unknown", { name: org.name })
      : b.onlyTheKeyDiffers ? t("license.belonging.anotherKey", { name: org.name })
        : t("license.belonging.another", {
          name: org.name,
          current: named(b.currentName, b.currentOrganization),
          license: named(b.licenseName, b.licenseOrganization),
        });
  ui.belonging.replaceChildren(el("p", { class: b.verdict === "another" ? "verdict bad" : "hint", dataset: { verdict: b.verdict } }, text));
}

/** @returns {TargetArg} */
function targetArg(value) {
  return value === "premium" ? { kind: "premium" } : { kind: "organization", id: value };
}

/** Plans the upload and shows the confirmation; nothing is sent yet. */
async function review() {
  ui.applyStatus.replaceChildren();
  const slow = setTimeout(() => ui.applyStatus.replaceChildren(
    el("p", { class: "hint", id: "license-planning" }, t("license.apply.planning"))), 300);
  try {
    const planned = await call("license_plan_upload", {
      instanceId: instanceId(), id: report.id, target: targetArg(ui.target.value),
    });
    clearTimeout(slow);
    ui.applyStatus.replaceChildren();
    openConfirmation(planned);
  } catch (error) {
    clearTimeout(slow);
    ui.applyStatus.replaceChildren(problemBox(error));
  }
}

/**
 * A loss in the current language ("Seats 50 → 10", "Loses: Single sign-on").
 * @param {Loss} loss
 */
function lossText(loss) {
  const count = (n) => (n === null || n === undefined ? t("license.loss.unlimited") : n);
  if (loss.kind === "feature") return t("license.loss.feature", { label: say(loss.phrase) });
  return t(`license.loss.${loss.kind}`, { current: count(loss.current), new: count(loss.new) });
}

/** @param {PlannedUpload} planned */
function openConfirmation(planned) {
  const plan = planned.plan;
  planId = planned.planId;
  const instance = instances.find((i) => i.id === instanceId())?.name ?? "";
  document.getElementById("license-confirm-heading").textContent = plan.target.kind === "premium"
    ? t("license.confirm.headingPremium", { email: targets?.accountEmail ?? "", instance })
    : t("license.confirm.headingOrg", { name: plan.organizationName ?? plan.target.id, instance });
  document.getElementById("license-confirm-file").textContent = report.file;
  const value = (/** @type {Change} */ c, /** @type {string | null} */ v) => {
    if (v == null) return "—";
    return c.switch ? t(`upload.switch.${v}`) : localizeDates(v);
  };
  const row = (/** @type {Change} */ c) => el("tr", { class: c.changed ? "changed" : "same" },
    el("th", { scope: "row" }, say(c.label)),
    el("td", {}, value(c, c.current)),
    el("td", {}, c.changed ? value(c, c.new) : t("license.confirm.unchanged")));
  const same = plan.changes.filter((c) => !c.changed);
  ui.changes.replaceChildren(...plan.changes.filter((c) => c.changed).map(row));
  ui.unchanged.hidden = same.length === 0;
  ui.unchanged.replaceChildren(el("summary", {}, t("license.confirm.unchangedRows", { count: same.length })),
    el("table", {}, el("tbody", {}, same.map(row))));
  ui.confirmLosses.replaceChildren(...(plan.losses.length
    ? [el("div", { class: "verdict bad" }, el("p", {}, t("license.confirm.losses")),
      el("ul", {}, plan.losses.map((l) => el("li", { dataset: { kind: l.kind } }, lossText(l)))))]
    : []));
  ui.confirmKept.textContent = plan.replaced
    ? t("license.confirm.kept", { source: plan.replaced.source })
    : t("license.confirm.notKept");
  ui.confirmNotes.replaceChildren(...plan.notes.map((n) => el("li", { dataset: { code: n.code } }, problemWords(n).message)));
  const belonging = plan.belonging;
  const another = belonging?.verdict === "another";
  const org = { name: plan.organizationName ?? "" };
  ui.confirmRefused.replaceChildren(...(belonging?.verdict === "another"
    ? [el("p", { class: "verdict bad" }, t(belonging.onlyTheKeyDiffers ? "license.belonging.anotherKey" : "license.belonging.another", {
      ...org,
      current: belonging.currentName || t("license.belonging.cloudOrg", { id: belonging.currentOrganization }),
      license: belonging.licenseName || t("license.belonging.cloudOrg", { id: belonging.licenseOrganization }),
    }))]
    : plan.wouldBeRefused
      ? [el("p", {}, t("license.confirm.refused")), el("pre", { class: "server-message" }, plan.inspection.serverMessage || "")]
      : belonging?.verdict === "unknown" ? [el("p", { class: "hint" }, t("license.confirm.unknown", org))] : []));
  confirmName = another || plan.wouldBeRefused ? null : plan.confirmByName;
  ui.confirmNameBox.hidden = !confirmName;
  ui.confirmName.value = "";
  ui.confirmNameLabel.textContent = confirmName ? t("license.confirm.typeName", { name: confirmName }) : "";
  ui.confirmSend.disabled = another || plan.wouldBeRefused;
  updateSend();
  ui.confirm.showModal();
  (ui.confirmSend.disabled ? (confirmName ? ui.confirmName : document.getElementById("license-confirm-cancel")) : ui.confirmSend).focus();
}

/** The send button waits for the organization's name when the plan asks for it. */
function updateSend() {
  if (!confirmName) return;
  ui.confirmSend.disabled = ui.confirmName.value.trim().toLowerCase() !== confirmName.trim().toLowerCase();
}

/** Sends the confirmed upload once and shows the answer. */
async function send() {
  const sending = planId;
  planId = null;
  try {
    const outcome = await call("license_send_upload", { planId: sending, confirmed: confirmName ? ui.confirmName.value : null });
    ui.applyStatus.replaceChildren(el("div", { class: "success", id: "license-applied" },
      el("p", {}, t("license.apply.done")),
      outcome.archivedReplaced ? el("p", { class: "hint" }, t("license.apply.keptOld", { path: outcome.archivedReplaced })) : null,
      el("p", { class: "hint" }, t("license.apply.keptNew", { path: outcome.archivedNew }))));
  } catch (error) {
    ui.applyStatus.replaceChildren(problemBox(error));
  } finally {
    ui.confirm.close();
  }
  await refreshHistory();
}

async function createOrganization() {
  ui.created.replaceChildren();
  ui.createProgress.textContent = "";
  try {
    const org = await call("license_create_organization", {
      instanceId: instanceId(), id: report.id, collection: ui.collection.value,
    });
    const dashboard = el("button", { id: "license-created-dashboard", type: "button", class: "secondary" }, t("license.create.dashboard"));
    dashboard.addEventListener("click", () => navigate("dashboard", { instanceId: instanceId() }));
    ui.createProgress.textContent = "";
    ui.created.replaceChildren(el("div", { class: "success", dataset: { orgId: org.id } },
      el("p", {}, t("license.create.done", { name: org.name, id: org.id })),
      org.collection ? el("p", {}, t("license.create.collectionMade", { name: org.collection })) : null,
      ...org.warnings.map((w) => problemBox(w)),
      dashboard));
    await refreshTargetsKeepingCreated();
    await refreshHistory();
  } catch (error) {
    ui.createProgress.textContent = "";
    ui.created.replaceChildren(problemBox(error));
  }
}

/** After a creation the form goes away, but the result stays in view. */
async function refreshTargetsKeepingCreated() {
  const result = [...ui.created.childNodes];
  await refreshTargets();
  if (ui.create.hidden) ui.create.hidden = false;
  ui.createButton.hidden = true;
  ui.created.replaceChildren(...result);
}

async function refreshHistory() {
  if (!instanceId()) {
    ui.history.replaceChildren(el("p", { class: "hint" }, t("license.history.noInstance")));
    return;
  }
  /** @type {Array<HistoryEntry>} */
  let entries;
  try {
    entries = await call("license_history", { instanceId: instanceId() });
  } catch (error) {
    ui.history.replaceChildren(problemBox(error));
    return;
  }
  if (!entries.length) {
    ui.history.replaceChildren(el("p", { class: "hint", id: "license-history-empty" }, t("license.history.empty")));
    return;
  }
  const ownerName = (/** @type {HistoryEntry} */ e) => {
    if (e.ownerKind === "premium") return e.licensedTo ? `${t("license.history.premium")} · ${e.licensedTo}` : t("license.history.premium");
    const org = targets?.organizations.find((o) => o.id === e.ownerId);
    return org?.name ?? e.licensedTo ?? e.ownerId;
  };
  const lang = language();
  ui.history.replaceChildren(el("table", { id: "license-history-table" },
    el("thead", {}, el("tr", {},
      ["when", "owner", "role", "action"].map((k) => el("th", { scope: "col" }, t(`license.history.${k}`))))),
    el("tbody", {}, entries.map((e) => {
      const restore = e.restorable
        ? el("button", { type: "button", class: "secondary history-restore", dataset: { key: e.key } }, t("license.history.restore"))
        : null;
      restore?.addEventListener("click", () => whileBusy(restore, () => restoreEntry(e.key)));
      return el("tr", { dataset: { role: e.role, owner: e.ownerId } },
        el("td", { title: e.file, class: "history-when" }, formatDateTime(e.at, lang)),
        el("td", {}, ownerName(e)),
        el("td", {}, t(`license.history.${e.role}`),
          e.answer ? el("p", { class: "server-message history-answer" }, e.answer) : null),
        el("td", {}, restore));
    }))));
}

/** Opens an archived license and goes straight to the same review as any upload. */
async function restoreEntry(key) {
  ui.applyStatus.replaceChildren();
  try {
    const restored = await call("license_restore", { instanceId: instanceId(), key });
    await showOpened(restored.report);
    ui.target.value = restored.target.kind === "premium" ? "premium" : restored.target.id;
    await review();
  } catch (error) {
    ui.applyStatus.replaceChildren(problemBox(error));
  }
}
