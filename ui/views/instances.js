// Instances: the self-hosted servers and the cloud account (add, edit, remove, region),
// signing in and out (API key or e-mail + master password with two-step and new-device
// codes), and each server's installation (ID, region, cloud communication, the safe fix).
// Secrets typed here go to Rust once and the fields are cleared; nothing secret comes back.
import { t, language } from "../i18n.js";
import { call } from "../ipc.js";
import { el, problemBox, whileBusy, formatDateTime } from "../kit.js";

export const strings = {
  en: {
    "instances.heading": "Instances",
    "instances.cloud.heading": "Bitwarden cloud account",
    "instances.cloud.intro": "Licenses are downloaded from the cloud organization that pays for them.",
    "instances.cloud.region": "Cloud region",
    "instances.servers.heading": "Self-hosted servers",
    "instances.none": "No server yet. Add the servers whose licenses you look after.",
    "instances.add": "Add instance",
    "instances.edit": "Edit",
    "instances.remove": "Remove",
    "instances.removeConfirm": "Remove {name}? Its session is forgotten too.",
    "instances.signIn": "Sign in",
    "instances.signOut": "Sign out",
    "instances.installation": "Installation",
    "instances.signedInAs": "Signed in as {email}",
    "instances.signedInApiKey": "Signed in with a personal API key",
    "instances.notSignedIn": "Not signed in",
    "instances.notReachable": "{account} · server not reachable",
    "instances.testConnection": "Test connection",
    "instances.testing": "Testing the connection…",
    "instances.reachable": "Reachable (server version {version})",
    "instances.reachableNoVersion": "Reachable",
    "instances.checkedAt": "checked {date}",
    "instances.form.addHeading": "Add a self-hosted server",
    "instances.form.editHeading": "Edit {name}",
    "instances.form.name": "Name",
    "instances.form.url": "Vault URL",
    "instances.form.ca": "CA certificate file (optional, for a private CA)",
    "instances.form.placeKind": "Where its installation lives",
    "instances.form.place.none": "Not set",
    "instances.form.place.folder": "bwdata folder on this machine",
    "instances.form.place.envFile": "Env file on this machine",
    "instances.form.place.ssh": "Over SSH (user@host:/path)",
    "instances.form.placeValue": "Folder, file or SSH address",
    "instances.form.save": "Save",
    "instances.form.cancel": "Cancel",
    "instances.form.saved": "Saved.",
    "signin.heading": "Sign in to {target}",
    "signin.cloudTarget": "Bitwarden cloud ({region})",
    "signin.method": "Sign in with",
    "signin.method.password": "E-mail and master password",
    "signin.method.apiKey": "Personal API key",
    "signin.email": "E-mail address",
    "signin.password": "Master password",
    "signin.clientId": "client_id",
    "signin.clientSecret": "client_secret",
    "signin.apiKeyHelp": "In the web vault: Account settings > Security > Keys > View API key.",
    "signin.submit": "Sign in",
    "signin.cancel": "Cancel",
    "signin.working": "Signing in… (deriving the key from the master password can take a few seconds)",
    "signin.done": "Signed in as {email}.",
    "signin.twoFactor": "Two-step login is on. Enter a code.",
    "signin.provider": "Method",
    "signin.sendCode": "Send code",
    "signin.codeSent": "Code sent. Check your e-mail.",
    "signin.code": "Code",
    "signin.newDevice": "Bitwarden e-mailed a code to verify this new device. Enter it here.",
    "signin.verify": "Continue",
    "signin.noTypedMethod": "None of this account's two-step methods can be completed here; sign in with the personal API key instead.",
    "installation.heading": "Installation of {name}",
    "installation.id": "Installation ID",
    "installation.copy": "Copy",
    "installation.copied": "Copied.",
    "installation.key": "Installation key",
    "installation.keyPresent": "set (never shown)",
    "installation.keyMissing": "missing",
    "installation.region": "Region",
    "installation.cloud": "Cloud communication",
    "installation.on": "on",
    "installation.off": "off",
    "installation.apiUri": "Cloud API",
    "installation.identityUri": "Cloud identity",
    "installation.vaultUrl": "Vault URL",
    "installation.envFile": "Read from",
    "installation.findings": "Findings",
    "installation.noFindings": "No findings: the settings are in order.",
    "installation.missing": "missing",
    "installation.notSet": "This instance has no installation place. Edit it to add its bwdata folder, env file or SSH address.",
    "installation.fix": "Turn cloud communication on",
    "installation.fixCommands": "Show the commands to turn cloud communication on",
    "installation.fixNothing": "Nothing to change: cloud communication is already set up.",
    "installation.fixWritten": "Updated {file}. Backup: {backup}",
    "installation.fixRestart": "Restart the server so it reads the change:",
    "installation.fixRemote": "Nothing was written on the server. Run these commands there (with sudo if needed):",
    "installation.line": "line {line}",
    "installation.added": "added",
    "installation.reading": "Reading the installation…",
    "instances.close": "Close",
  },
  "zh-CN": {
    "instances.heading": "实例",
    "instances.cloud.heading": "Bitwarden 云账户",
    "instances.cloud.intro": "许可证从为其付费的云端组织下载。",
    "instances.cloud.region": "云区域",
    "instances.servers.heading": "自托管服务器",
    "instances.none": "尚无服务器。请添加您负责其许可证的服务器。",
    "instances.add": "添加实例",
    "instances.edit": "编辑",
    "instances.remove": "移除",
    "instances.removeConfirm": "移除 {name}？其登录会话也将被清除。",
    "instances.signIn": "登录",
    "instances.signOut": "退出登录",
    "instances.installation": "安装信息",
    "instances.signedInAs": "已登录为 {email}",
    "instances.signedInApiKey": "已使用个人 API 密钥登录",
    "instances.notSignedIn": "未登录",
    "instances.notReachable": "{account} · 无法连接服务器",
    "instances.testConnection": "测试连接",
    "instances.testing": "正在测试连接…",
    "instances.reachable": "可以连接（服务器版本 {version}）",
    "instances.reachableNoVersion": "可以连接",
    "instances.checkedAt": "检查于 {date}",
    "instances.form.addHeading": "添加自托管服务器",
    "instances.form.editHeading": "编辑 {name}",
    "instances.form.name": "名称",
    "instances.form.url": "密码库网址",
    "instances.form.ca": "CA 证书文件（可选，用于私有 CA）",
    "instances.form.placeKind": "安装所在位置",
    "instances.form.place.none": "未设置",
    "instances.form.place.folder": "本机上的 bwdata 文件夹",
    "instances.form.place.envFile": "本机上的 env 文件",
    "instances.form.place.ssh": "通过 SSH（user@host:/path）",
    "instances.form.placeValue": "文件夹、文件或 SSH 地址",
    "instances.form.save": "保存",
    "instances.form.cancel": "取消",
    "instances.form.saved": "已保存。",
    "signin.heading": "登录到 {target}",
    "signin.cloudTarget": "Bitwarden 云（{region}）",
    "signin.method": "登录方式",
    "signin.method.password": "电子邮件和主密码",
    "signin.method.apiKey": "个人 API 密钥",
    "signin.email": "电子邮件地址",
    "signin.password": "主密码",
    "signin.clientId": "client_id",
    "signin.clientSecret": "client_secret",
    "signin.apiKeyHelp": "在网页密码库中：账户设置 > 安全 > 密钥 > 查看 API 密钥。",
    "signin.submit": "登录",
    "signin.cancel": "取消",
    "signin.working": "正在登录…（由主密码派生密钥可能需要几秒钟）",
    "signin.done": "已登录为 {email}。",
    "signin.twoFactor": "已启用两步登录。请输入验证码。",
    "signin.provider": "方式",
    "signin.sendCode": "发送验证码",
    "signin.codeSent": "验证码已发送，请查收电子邮件。",
    "signin.code": "验证码",
    "signin.newDevice": "Bitwarden 已通过电子邮件发送验证此新设备的验证码，请在此输入。",
    "signin.verify": "继续",
    "signin.noTypedMethod": "此账户的两步登录方式均无法在此完成；请改用个人 API 密钥登录。",
    "installation.heading": "{name} 的安装信息",
    "installation.id": "安装 ID",
    "installation.copy": "复制",
    "installation.copied": "已复制。",
    "installation.key": "安装密钥",
    "installation.keyPresent": "已设置（从不显示）",
    "installation.keyMissing": "缺失",
    "installation.region": "区域",
    "installation.cloud": "云通信",
    "installation.on": "开启",
    "installation.off": "关闭",
    "installation.apiUri": "云 API",
    "installation.identityUri": "云身份服务",
    "installation.vaultUrl": "密码库网址",
    "installation.envFile": "读取自",
    "installation.findings": "发现的问题",
    "installation.noFindings": "未发现问题：设置正常。",
    "installation.missing": "缺失",
    "installation.notSet": "此实例未设置安装位置。请编辑它并添加其 bwdata 文件夹、env 文件或 SSH 地址。",
    "installation.fix": "开启云通信",
    "installation.fixCommands": "显示开启云通信的命令",
    "installation.fixNothing": "无需更改：云通信已设置好。",
    "installation.fixWritten": "已更新 {file}。备份：{backup}",
    "installation.fixRestart": "请重启服务器以读取更改：",
    "installation.fixRemote": "未在服务器上写入任何内容。请在服务器上运行以下命令（必要时使用 sudo）：",
    "installation.line": "第 {line} 行",
    "installation.added": "新增",
    "installation.reading": "正在读取安装信息…",
    "instances.close": "关闭",
  },
};

/** Finding codes the cloud-communication fix deals with. */
const FIXABLE = new Set(["cloud_communication_off", "cloud_communication_invalid", "region_uri_mismatch", "push_relay_wrong_region"]);

let overview = { cloudRegion: "US", cloudAccount: null, instances: [] };
let nodes = {};
/** The sign-in on screen: { instanceId (null: cloud), loginId, providers }. */
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

function accountText(account) {
  if (!account) return t("instances.notSignedIn");
  if (account.email) return t("instances.signedInAs", { email: account.email });
  return t("instances.signedInApiKey");
}

/** Who is signed in, and that the server did not answer when it last failed a check. */
function instanceAccountText(instance) {
  const text = accountText(instance.account);
  return instance.connection && !instance.connection.reachable
    ? t("instances.notReachable", { account: text })
    : text;
}

/** The last connection test of an instance: reachable with its version, or the problem. */
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

function field(id, key, attrs = {}) {
  const input = el("input", { id, type: "text", autocomplete: "off", ...attrs });
  return [input, el("div", { class: "field" }, el("label", { for: id, "data-i18n": key }), input)];
}

function buildForm() {
  let row;
  [nodes.formName, row] = field("instance-name", "instances.form.name", { required: true });
  const nameRow = row;
  [nodes.formUrl, row] = field("instance-url", "instances.form.url", { type: "url", required: true, placeholder: "https://vault.example.org" });
  const urlRow = row;
  [nodes.formCa, row] = field("instance-ca", "instances.form.ca");
  const caRow = row;
  nodes.formPlaceKind = el("select", { id: "instance-place-kind" },
    ["none", "folder", "envFile", "ssh"].map((k) => el("option", { value: k, "data-i18n": `instances.form.place.${k}` })));
  [nodes.formPlace, row] = field("instance-place", "instances.form.placeValue");
  const placeRow = row;
  nodes.formPlaceKind.addEventListener("change", () => { placeRow.hidden = nodes.formPlaceKind.value === "none"; });
  nodes.formHeading = el("h3", { id: "instance-form-heading" });
  nodes.formStatus = el("div", { id: "instance-form-status", role: "status", "aria-live": "polite" });
  const save = el("button", { id: "instance-save", type: "submit", "data-i18n": "instances.form.save" });
  const cancel = el("button", { id: "instance-cancel", type: "button", class: "secondary", "data-i18n": "instances.form.cancel" });
  cancel.addEventListener("click", () => { nodes.form.hidden = true; });
  const form = el("form", { id: "instance-form-fields" }, nameRow, urlRow, caRow,
    el("div", { class: "field" }, el("label", { for: "instance-place-kind", "data-i18n": "instances.form.placeKind" }), nodes.formPlaceKind),
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
  [nodes.signinEmail, row] = field("signin-email", "signin.email", { type: "email", autocomplete: "username" });
  const emailRow = row;
  [nodes.signinPassword, row] = field("signin-password", "signin.password", { type: "password", autocomplete: "current-password" });
  const passwordRow = row;
  [nodes.signinClientId, row] = field("signin-client-id", "signin.clientId", { placeholder: "user.…" });
  const idRow = row;
  [nodes.signinClientSecret, row] = field("signin-client-secret", "signin.clientSecret", { type: "password" });
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
  nodes.providerRow = el("div", { class: "field" }, el("label", { for: "signin-provider", "data-i18n": "signin.provider" }), nodes.signinProvider);
  nodes.sendCode = el("button", { id: "signin-send-code", type: "button", class: "secondary", "data-i18n": "signin.sendCode" });
  nodes.sendCode.addEventListener("click", () => whileBusy(nodes.sendCode, sendEmailCode));
  nodes.signinProvider.addEventListener("change", updateSendCode);
  [nodes.signinCode, row] = field("signin-code", "signin.code", { inputmode: "numeric", autocomplete: "one-time-code" });
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

function renderInstallation(instance, found) {
  const id = found.installation_id;
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
    row("installation.key", found.installation_key_present ? t("installation.keyPresent") : t("installation.keyMissing")),
    row("installation.region", found.region, { id: "installation-region" }),
    row("installation.cloud", found.cloud_communication ? t("installation.on") : t("installation.off"),
      { id: "installation-cloud", class: found.cloud_communication ? "status-ok" : "status-warning" }),
    row("installation.vaultUrl", found.vault_url ?? "—"),
    row("installation.apiUri", found.api_uri),
    row("installation.identityUri", found.identity_uri),
    row("installation.envFile", found.env_file));
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
