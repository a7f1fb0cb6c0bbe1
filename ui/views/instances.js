// Instances: the self-hosted servers and the cloud account (add, edit, remove, region),
// signing in and out (API key or e-mail + master password with two-step and new-device
// codes), and each server's installation (ID, region, cloud communication, the safe fix).
// Secrets typed here go to Rust once and the fields are cleared; nothing secret comes back.
import { t, language } from "../i18n.js";
import { call } from "../ipc.js";
import { el, field, problemBox, whileBusy, formatDateTime } from "../kit.js";

/** @typedef {import("../../src-tauri/ipc").Account} Account */
/** @typedef {import("../../src-tauri/ipc").Commands} Commands */
/** @typedef {import("../../src-tauri/ipc").ConnectionCheck} ConnectionCheck */
/** @typedef {import("../../src-tauri/ipc").Installation} Installation */
/** @typedef {import("../../src-tauri/ipc").InstanceView} InstanceView */
/** @typedef {import("../../src-tauri/ipc").Offer} Offer */
/** @typedef {import("../../src-tauri/ipc").Overview} Overview */
/** @typedef {import("../../src-tauri/ipc").SignInStep} SignInStep */

/** Finding codes the cloud-communication fix deals with. */
const FIXABLE = new Set(["cloud_communication_off", "cloud_communication_invalid", "region_uri_mismatch", "push_relay_wrong_region"]);

/** @type {Overview} */
let overview = { cloudRegion: "US", cloudAccount: null, instances: [] };
let nodes = {};
/**
 * The sign-in on screen: { instanceId (null: cloud), loginId, providers }.
 * @type {{ instanceId: string | null, loginId: string | null, providers: Array<Offer>, kind: string | null } | null}
 */
let signin = null;

export function mount(section) {
  nodes.region = el("select", { id: "cloud-region" },
    el("option", { value: "US" }, "US"), el("option", { value: "EU" }, "EU"));
  nodes.region.addEventListener("change", () => saveRegion());
  nodes.cloudAccount = el("p", { id: "cloud-account", class: "account" });
  nodes.cloudSignIn = el("button", { id: "cloud-signin", type: "button", "data-i18n": "instances.signIn" });
  nodes.cloudSignIn.addEventListener("click", () => openSignIn(null));
  nodes.cloudSignOut = el("button", { id: "cloud-signout", type: "button", class: "secondary", "data-i18n": "instances.signOut" });
  nodes.cloudSignOut.addEventListener("click", () => signOut(null, nodes.cloudSignOut));
  nodes.status = el("div", { id: "instances-status", role: "status", "aria-live": "polite" });
  nodes.list = el("ul", { id: "instance-list", class: "instance-list" });
  nodes.none = el("p", { id: "instances-none", "data-i18n": "instances.none" });
  const add = el("button", { id: "instance-add", type: "button", "data-i18n": "instances.add" });
  add.addEventListener("click", () => openForm(null));

  section.append(
    el("h2", { id: "instances-heading", "data-i18n": "instances.heading" }),
    nodes.status,
    el("div", { class: "card", id: "cloud-card" },
      el("h3", { "data-i18n": "instances.cloud.heading" }),
      el("p", { class: "muted", "data-i18n": "instances.cloud.intro" }),
      el("label", { for: "cloud-region", "data-i18n": "instances.cloud.region" }), " ", nodes.region,
      nodes.cloudAccount,
      el("div", { class: "actions" }, nodes.cloudSignIn, nodes.cloudSignOut)),
    el("div", { class: "card", id: "servers-card" },
      el("div", { class: "row-between" }, el("h3", { "data-i18n": "instances.servers.heading" }), add),
      nodes.none, nodes.list),
    buildForm(),
    buildSignIn(),
    buildInstallation(),
  );
}

export async function show(params = {}) {
  nodes.status.replaceChildren();
  await reload();
  const { instanceId, open } = params;
  if (open === "add") openForm(null);
  else if (instanceId && (open === "signIn")) openSignIn(instanceId);
  else if (instanceId && open === "checkServer") await testConnection(instanceId, true);
  else if (instanceId && open === "edit") openForm(instanceId);
  else if (instanceId && open === "installation") openInstallation(instanceId);
}

async function reload() {
  try {
    overview = await call("instances_overview");
    renderList();
  } catch (error) {
    nodes.status.replaceChildren(problemBox(error));
  }
}

/** @param {Account | null} account */
function accountText(account) {
  if (!account) return t("instances.notSignedIn");
  if (account.email) return t("instances.signedInAs", { email: account.email });
  return t("instances.signedInApiKey");
}

/**
 * Who is signed in, and that the server did not answer when it last failed a check.
 * @param {InstanceView} instance
 */
function instanceAccountText(instance) {
  const text = accountText(instance.account);
  return instance.connection && !instance.connection.reachable
    ? t("instances.notReachable", { account: text })
    : text;
}

/**
 * The last connection test of an instance: reachable with its version, or the problem.
 * @param {ConnectionCheck | null} connection
 */
function connectionResult(connection) {
  if (!connection) return [];
  const when = el("span", { class: "muted" }, ` (${t("instances.checkedAt", { date: formatDateTime(connection.checkedAt, language()) })})`);
  if (connection.reachable) {
    return [el("p", { class: "status-ok connection-ok" },
      connection.version ? t("instances.reachable", { version: connection.version }) : t("instances.reachableNoVersion"), when)];
  }
  return [problemBox(connection.problem)];
}

function renderList() {
  nodes.region.value = overview.cloudRegion;
  nodes.cloudAccount.textContent = accountText(overview.cloudAccount);
  nodes.cloudAccount.dataset.signedIn = overview.cloudAccount ? "true" : "false";
  nodes.cloudSignOut.hidden = !overview.cloudAccount;
  nodes.none.hidden = overview.instances.length > 0;
  nodes.list.replaceChildren(...overview.instances.map((instance) => {
    const item = el("li", {
      class: "instance",
      dataset: {
        id: instance.id,
        signedIn: instance.account ? "true" : "false",
        reachable: instance.connection ? String(instance.connection.reachable) : "",
      },
    });
    const button = (cls, key, onclick, secondary = true) => el("button", {
      type: "button", class: `${secondary ? "secondary " : ""}${cls}`, onclick,
    }, t(key));
    const signOutButton = button("instance-signout", "instances.signOut", () => signOut(instance.id, signOutButton));
    const testButton = button("instance-test", "instances.testConnection", () => whileBusy(testButton, () => testConnection(instance.id)));
    item.append(
      el("div", { class: "instance-head" },
        el("strong", { class: "instance-name" }, instance.name), " ",
        el("span", { class: "instance-url muted" }, instance.url)),
      el("p", { class: "instance-account account" }, instanceAccountText(instance)),
      el("div", { class: "instance-connection", role: "status", "aria-live": "polite" }, connectionResult(instance.connection)),
      el("div", { class: "actions" },
        button("instance-signin", "instances.signIn", () => openSignIn(instance.id), false),
        instance.account ? signOutButton : null,
        testButton,
        button("instance-installation", "instances.installation", () => openInstallation(instance.id)),
        button("instance-edit", "instances.edit", () => openForm(instance.id)),
        button("instance-remove", "instances.remove", () => removeInstance(instance, item))),
    );
    return item;
  }));
}

/** Tests whether an instance's server answers and shows the outcome on its card. */
async function testConnection(instanceId, reveal = false) {
  const card = () => nodes.list.querySelector(`.instance[data-id="${CSS.escape(instanceId)}"]`);
  if (!card()) return;
  card().querySelector(".instance-connection").replaceChildren(el("p", { class: "working" }, t("instances.testing")));
  if (reveal) card().scrollIntoView({ block: "start" });
  try {
    const check = await call("instance_test_connection", { instanceId });
    const instance = overview.instances.find((i) => i.id === instanceId);
    if (instance) instance.connection = check;
    renderList();
  } catch (error) {
    card()?.querySelector(".instance-connection").replaceChildren(problemBox(error));
  }
  if (reveal) card()?.scrollIntoView({ block: "start" });
}

async function saveRegion() {
  try {
    overview = await call("cloud_region_set", { region: nodes.region.value });
    renderList();
  } catch (error) {
    nodes.status.replaceChildren(problemBox(error));
  }
}

async function signOut(instanceId, button) {
  await whileBusy(button, async () => {
    try {
      await call("sign_out", { instanceId });
      await reload();
    } catch (error) {
      nodes.status.replaceChildren(problemBox(error));
    }
  });
}

/**
 * @param {InstanceView} instance
 * @param {HTMLElement} item
 */
async function removeInstance(instance, item) {
  if (!window.confirm(t("instances.removeConfirm", { name: instance.name }))) return;
  try {
    overview = await call("instance_remove", { instanceId: instance.id });
    item.remove();
    renderList();
    closePanels();
  } catch (error) {
    nodes.status.replaceChildren(problemBox(error));
  }
}

function closePanels() {
  nodes.form.hidden = true;
  nodes.signin.hidden = true;
  nodes.installation.hidden = true;
}

// ---- add / edit form ----

/** A text input and its labelled row. */
function textField(id, key, attrs = {}) {
  const input = el("input", { id, type: "text", autocomplete: "off", ...attrs });
  return [input, field(id, key, input)];
}

function buildForm() {
  let row;
  [nodes.formName, row] = textField("instance-name", "instances.form.name", { required: true });
  const nameRow = row;
  [nodes.formUrl, row] = textField("instance-url", "instances.form.url", { type: "url", required: true, placeholder: "https://vault.example.org" });
  const urlRow = row;
  [nodes.formCa, row] = textField("instance-ca", "instances.form.ca");
  const caRow = row;
  nodes.formPlaceKind = el("select", { id: "instance-place-kind" },
    ["none", "folder", "envFile", "ssh"].map((k) => el("option", { value: k, "data-i18n": `instances.form.place.${k}` })));
  [nodes.formPlace, row] = textField("instance-place", "instances.form.placeValue");
  const placeRow = row;
  nodes.formPlaceKind.addEventListener("change", () => { placeRow.hidden = nodes.formPlaceKind.value === "none"; });
  nodes.formHeading = el("h3", { id: "instance-form-heading" });
  nodes.formStatus = el("div", { id: "instance-form-status", role: "status", "aria-live": "polite" });
  const save = el("button", { id: "instance-save", type: "submit", "data-i18n": "instances.form.save" });
  const cancel = el("button", { id: "instance-cancel", type: "button", class: "secondary", "data-i18n": "instances.form.cancel" });
  cancel.addEventListener("click", () => { nodes.form.hidden = true; });
  const form = el("form", { id: "instance-form-fields" }, nameRow, urlRow, caRow,
    field("instance-place-kind", "instances.form.placeKind", nodes.formPlaceKind),
    placeRow, el("div", { class: "actions" }, save, cancel), nodes.formStatus);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    whileBusy(save, saveForm);
  });
  nodes.form = el("div", { class: "card", id: "instance-form", hidden: true }, nodes.formHeading, form);
  nodes.formPlaceRow = placeRow;
  return nodes.form;
}

function openForm(instanceId) {
  closePanels();
  const instance = overview.instances.find((i) => i.id === instanceId);
  nodes.formId = instance?.id ?? null;
  nodes.formHeading.textContent = instance
    ? t("instances.form.editHeading", { name: instance.name })
    : t("instances.form.addHeading");
  nodes.formName.value = instance?.name ?? "";
  nodes.formUrl.value = instance?.url ?? "";
  nodes.formCa.value = instance?.caFile ?? "";
  const place = instance?.installation;
  nodes.formPlaceKind.value = place?.kind ?? "none";
  nodes.formPlace.value = place ? (place.kind === "ssh" ? place.target : place.path) : "";
  nodes.formPlaceRow.hidden = !place;
  nodes.formStatus.replaceChildren();
  nodes.form.hidden = false;
  nodes.form.scrollIntoView({ block: "start" });
  nodes.formName.focus();
}

async function saveForm() {
  const kind = nodes.formPlaceKind.value;
  const value = nodes.formPlace.value.trim();
  let installation = null;
  if (kind !== "none" && value) {
    installation = kind === "ssh" ? { kind, target: value } : { kind, path: value };
  }
  const draft = {
    id: nodes.formId,
    name: nodes.formName.value,
    url: nodes.formUrl.value,
    caFile: nodes.formCa.value.trim() || null,
    installation,
  };
  try {
    overview = await call("instance_save", { draft });
    renderList();
    nodes.form.hidden = true;
    nodes.status.replaceChildren(el("p", {}, t("instances.form.saved")));
  } catch (error) {
    nodes.formStatus.replaceChildren(problemBox(error));
  }
}

// ---- sign-in ----

function buildSignIn() {
  let row;
  nodes.signinHeading = el("h3", { id: "signin-heading" });
  const radio = (value, id) => el("label", { class: "choice" },
    el("input", { type: "radio", name: "signin-method", id, value, checked: value === "password" }), " ",
    el("span", { "data-i18n": `signin.method.${value}` }));
  nodes.signinMethod = el("fieldset", { id: "signin-method", class: "choices" },
    el("legend", { "data-i18n": "signin.method" }),
    radio("password", "signin-method-password"), radio("apiKey", "signin-method-api-key"));
  [nodes.signinEmail, row] = textField("signin-email", "signin.email", { type: "email", autocomplete: "username" });
  const emailRow = row;
  [nodes.signinPassword, row] = textField("signin-password", "signin.password", { type: "password", autocomplete: "current-password" });
  const passwordRow = row;
  [nodes.signinClientId, row] = textField("signin-client-id", "signin.clientId", { placeholder: "user.…" });
  const idRow = row;
  [nodes.signinClientSecret, row] = textField("signin-client-secret", "signin.clientSecret", { type: "password" });
  const secretRow = row;
  const apiHelp = el("p", { class: "muted", "data-i18n": "signin.apiKeyHelp" });
  const credentials = el("div", { id: "signin-credentials" });
  const apply = () => {
    const password = method() === "password";
    emailRow.hidden = !password;
    passwordRow.hidden = !password;
    idRow.hidden = password;
    secretRow.hidden = password;
    apiHelp.hidden = password;
  };
  nodes.signinMethod.addEventListener("change", apply);
  apply();
  nodes.signinSubmit = el("button", { id: "signin-submit", type: "submit", "data-i18n": "signin.submit" });
  const firstForm = el("form", { id: "signin-form" },
    nodes.signinMethod,
    emailRow, passwordRow, idRow, secretRow, apiHelp, el("div", { class: "actions" }, nodes.signinSubmit));
  firstForm.addEventListener("submit", (event) => {
    event.preventDefault();
    whileBusy(nodes.signinSubmit, startSignIn);
  });
  credentials.append(firstForm);

  nodes.codePrompt = el("p", { id: "signin-code-prompt" });
  nodes.signinProvider = el("select", { id: "signin-provider" });
  nodes.providerRow = field("signin-provider", "signin.provider", nodes.signinProvider);
  nodes.sendCode = el("button", { id: "signin-send-code", type: "button", class: "secondary", "data-i18n": "signin.sendCode" });
  nodes.sendCode.addEventListener("click", () => whileBusy(nodes.sendCode, sendEmailCode));
  nodes.signinProvider.addEventListener("change", updateSendCode);
  [nodes.signinCode, row] = textField("signin-code", "signin.code", { inputmode: "numeric", autocomplete: "one-time-code" });
  const codeRow = row;
  nodes.codeSubmit = el("button", { id: "signin-code-submit", type: "submit", "data-i18n": "signin.verify" });
  nodes.codeForm = el("form", { id: "signin-code-step", hidden: true },
    nodes.codePrompt, nodes.providerRow, el("div", { class: "actions" }, nodes.sendCode), codeRow,
    el("div", { class: "actions" }, nodes.codeSubmit));
  nodes.codeForm.addEventListener("submit", (event) => {
    event.preventDefault();
    whileBusy(nodes.codeSubmit, continueSignIn);
  });

  nodes.signinStatus = el("div", { id: "signin-status", role: "status", "aria-live": "polite" });
  const cancel = el("button", { id: "signin-cancel", type: "button", class: "secondary", "data-i18n": "signin.cancel" });
  cancel.addEventListener("click", cancelSignIn);
  nodes.signinCredentials = credentials;
  nodes.signin = el("div", { class: "card", id: "signin", hidden: true },
    nodes.signinHeading, credentials, nodes.codeForm, nodes.signinStatus, el("div", { class: "actions" }, cancel));
  return nodes.signin;
}

/** The chosen sign-in method: `password` or `apiKey`. */
function method() {
  return nodes.signinMethod.querySelector("input:checked").value;
}

function openSignIn(instanceId) {
  closePanels();
  if (signin?.loginId) call("signin_cancel", { loginId: signin.loginId }).catch(() => {});
  signin = { instanceId, loginId: null, providers: [], kind: null };
  const instance = overview.instances.find((i) => i.id === instanceId);
  const target = instance ? instance.name : t("signin.cloudTarget", { region: overview.cloudRegion });
  nodes.signinHeading.textContent = t("signin.heading", { target });
  nodes.signinCredentials.hidden = false;
  nodes.codeForm.hidden = true;
  nodes.signinStatus.replaceChildren();
  clearSecrets();
  nodes.signin.hidden = false;
  nodes.signinHeading.scrollIntoView({ block: "start" });
  (method() === "password" ? nodes.signinEmail : nodes.signinClientId).focus();
}

function clearSecrets() {
  nodes.signinPassword.value = "";
  nodes.signinClientSecret.value = "";
  nodes.signinCode.value = "";
}

async function startSignIn() {
  /** @type {Commands["signin_start"]["args"]} */
  const args = { instanceId: signin.instanceId, method: method() };
  if (args.method === "password") {
    args.email = nodes.signinEmail.value;
    args.password = nodes.signinPassword.value;
  } else {
    args.clientId = nodes.signinClientId.value;
    args.clientSecret = nodes.signinClientSecret.value;
  }
  nodes.signinStatus.replaceChildren(el("p", { class: "working" }, t("signin.working")));
  try {
    const step = await call("signin_start", args);
    clearSecrets();
    await handleStep(step);
  } catch (error) {
    nodes.signinPassword.value = "";
    nodes.signinStatus.replaceChildren(problemBox(error));
  }
}

/** @param {SignInStep} step */
async function handleStep(step) {
  if (step.state === "done") {
    signin = null;
    nodes.signinCredentials.hidden = false;
    nodes.codeForm.hidden = true;
    nodes.signin.hidden = true;
    await reload();
    nodes.status.replaceChildren(el("p", { id: "signin-done" }, t("signin.done", { email: step.email })));
    return;
  }
  signin.loginId = step.loginId;
  signin.kind = step.state;
  nodes.signinCredentials.hidden = true;
  nodes.codeForm.hidden = false;
  nodes.signinStatus.replaceChildren();
  nodes.signinCode.value = "";
  if (step.state === "newDevice") {
    nodes.codePrompt.textContent = t("signin.newDevice");
    nodes.providerRow.hidden = true;
    nodes.sendCode.hidden = true;
  } else {
    const typed = step.providers.filter((p) => p.typed);
    signin.providers = typed;
    nodes.codePrompt.textContent = typed.length ? t("signin.twoFactor") : t("signin.noTypedMethod");
    nodes.signinProvider.replaceChildren(...typed.map((p) =>
      el("option", { value: String(p.id) }, p.hint ? `${p.name} (${p.hint})` : p.name)));
    nodes.providerRow.hidden = typed.length < 2;
    updateSendCode();
  }
  nodes.signinCode.focus();
}

function chosenProvider() {
  return signin?.providers.find((p) => String(p.id) === nodes.signinProvider.value);
}

function updateSendCode() {
  nodes.sendCode.hidden = !(chosenProvider()?.email);
}

async function sendEmailCode() {
  try {
    await call("signin_send_email_code", { loginId: signin.loginId });
    nodes.signinStatus.replaceChildren(el("p", {}, t("signin.codeSent")));
  } catch (error) {
    nodes.signinStatus.replaceChildren(problemBox(error));
  }
}

async function continueSignIn() {
  /** @type {Commands["signin_continue"]["args"]} */
  const args = {
    loginId: signin.loginId,
    kind: signin.kind === "newDevice" ? "newDevice" : "twoFactor",
    provider: signin.kind === "newDevice" ? null : Number(nodes.signinProvider.value),
    code: nodes.signinCode.value.trim(),
  };
  nodes.signinCode.value = "";
  nodes.signinStatus.replaceChildren(el("p", { class: "working" }, t("signin.working")));
  try {
    await handleStep(await call("signin_continue", args));
  } catch (error) {
    nodes.signinStatus.replaceChildren(problemBox(error));
  }
}

function cancelSignIn() {
  if (signin?.loginId) call("signin_cancel", { loginId: signin.loginId }).catch(() => {});
  signin = null;
  clearSecrets();
  nodes.signin.hidden = true;
}

// ---- installation ----

function buildInstallation() {
  nodes.installationHeading = el("h3", { id: "installation-heading" });
  nodes.installationBody = el("div", { id: "installation-body" });
  nodes.installationFixResult = el("div", { id: "installation-fix-result", role: "status", "aria-live": "polite" });
  const close = el("button", { id: "installation-close", type: "button", class: "secondary", "data-i18n": "instances.close" });
  close.addEventListener("click", () => { nodes.installation.hidden = true; });
  nodes.installation = el("div", { class: "card", id: "installation", hidden: true },
    nodes.installationHeading, nodes.installationBody, nodes.installationFixResult, el("div", { class: "actions" }, close));
  return nodes.installation;
}

async function openInstallation(instanceId) {
  closePanels();
  const instance = overview.instances.find((i) => i.id === instanceId);
  if (!instance) return;
  nodes.installationHeading.textContent = t("installation.heading", { name: instance.name });
  nodes.installationFixResult.replaceChildren();
  nodes.installation.hidden = false;
  nodes.installation.scrollIntoView({ block: "start" });
  if (!instance.installation) {
    nodes.installationBody.replaceChildren(el("p", { id: "installation-not-set" }, t("installation.notSet")));
    return;
  }
  nodes.installationBody.replaceChildren(el("p", { class: "working" }, t("installation.reading")));
  try {
    const found = await call("installation_read", { instanceId });
    renderInstallation(instance, found);
  } catch (error) {
    nodes.installationBody.replaceChildren(problemBox(error));
  }
}

/**
 * @param {InstanceView} instance
 * @param {Installation} found
 */
function renderInstallation(instance, found) {
  const id = found.installationId;
  const copy = el("button", { id: "installation-copy", type: "button", class: "secondary", disabled: !id }, t("installation.copy"));
  const copied = el("span", { id: "installation-copied", role: "status", "aria-live": "polite" });
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(id);
      copied.textContent = t("installation.copied");
    } catch (error) {
      copied.replaceChildren(problemBox({ code: "clipboard", message: String(error), advice: "" }));
    }
  });
  const row = (key, value, attrs = {}) => el("tr", {}, el("th", { scope: "row" }, t(key)), el("td", attrs, value));
  const table = el("table", { class: "facts" },
    row("installation.id", [el("code", { id: "installation-id" }, id ?? t("installation.missing")), " ", copy, " ", copied]),
    row("installation.key", found.installationKeyPresent ? t("installation.keyPresent") : t("installation.keyMissing")),
    row("installation.region", found.region, { id: "installation-region" }),
    row("installation.cloud", found.cloudCommunication ? t("installation.on") : t("installation.off"),
      { id: "installation-cloud", class: found.cloudCommunication ? "status-ok" : "status-warning" }),
    row("installation.vaultUrl", found.vaultUrl ?? "—"),
    row("installation.apiUri", found.apiUri),
    row("installation.identityUri", found.identityUri),
    row("installation.envFile", found.envFile));
  const findings = found.findings.length
    ? el("ul", { id: "installation-findings" }, found.findings.map((f) =>
      el("li", { class: "finding", dataset: { code: f.code } }, problemBox(f))))
    : el("p", { id: "installation-findings", class: "status-ok" }, t("installation.noFindings"));
  const parts = [table, el("h4", {}, t("installation.findings")), findings];
  if (found.findings.some((f) => FIXABLE.has(f.code))) {
    const ssh = instance.installation.kind === "ssh";
    const fix = el("button", { id: "installation-fix", type: "button" },
      t(ssh ? "installation.fixCommands" : "installation.fix"));
    fix.addEventListener("click", () => whileBusy(fix, () => runFix(instance)));
    parts.push(el("div", { class: "actions" }, fix));
  }
  nodes.installationBody.replaceChildren(...parts);
}

/** @param {InstanceView} instance */
async function runFix(instance) {
  try {
    const report = await call("installation_fix", { instanceId: instance.id });
    const changes = el("ul", { class: "changes" }, report.changes.map((c) =>
      el("li", {}, el("code", {}, `${c.key}=${c.value}`), " ",
        el("span", { class: "muted" }, c.line ? t("installation.line", { line: c.line }) : t("installation.added")))));
    const parts = [];
    if (report.outcome === "nothingToDo") {
      parts.push(el("p", {}, t("installation.fixNothing")));
    } else if (report.outcome === "written") {
      parts.push(el("p", {}, t("installation.fixWritten", { file: report.envFile, backup: report.backup })), changes,
        el("p", {}, t("installation.fixRestart")), el("pre", {}, report.restart));
    } else {
      parts.push(el("p", {}, t("installation.fixRemote")), changes, el("pre", { id: "installation-commands" }, report.commands.join("\n")));
    }
    nodes.installationFixResult.replaceChildren(...parts);
    if (report.outcome === "written") {
      const found = await call("installation_read", { instanceId: instance.id });
      renderInstallation(instance, found);
    }
    nodes.installationFixResult.scrollIntoView({ block: "nearest" });
  } catch (error) {
    nodes.installationFixResult.replaceChildren(problemBox(error));
  }
}
