// What the window's commands take and answer, generated from their Rust signatures and types
// by `the_page_types_are_generated_from_the_commands` (src-tauri/src/page_types.rs): run it
// with LICENSE_COMPANION_WRITE_TYPES=1 to write this file again. Do not edit it by hand.

export type Account = { email: string | null, login: LoginKind, signedInAt: string, };

export type Action = { kind: ActionKind, view: string, params: ActionParams, };

export type ActionKind = "signIn" | "checkServer" | "newLicense" | "billingSync" | "installation";

export type ActionParams = { instanceId: string, orgId: string | null, };

export type AppInfo = { appVersion: string, coreVersion: string, demo: boolean, 
/**
 * The language the system locale asks for (`en` or `zh-CN`), used until the user picks
 * one. Read here because WebKit reports `en-US` whenever the locale is not generated.
 */
systemLanguage: string, };

export type ArchivedRole = "before" | "replaced" | "new" | "refused" | "applied";

export type AuditAction = { "code": "upload_license_for_installation", installationId: string | null, } | { "code": "reupload" } | { "code": "renew" } | { "code": "upload_premium_license" } | { "code": "resolve_duplicate", organizations: Array<string>, };

export type Belonging = { "verdict": "same", source: LinkSource, } | { "verdict": "another", licenseOrganization: string, licenseName: string | null, currentOrganization: string, currentName: string | null, onlyTheKeyDiffers: boolean, source: LinkSource, } | { "verdict": "unknown" };

export type BillingProgress = { stage: TokenStage, };

export type BillingSync = "notSetUp" | "disabled" | "enabled";

export type Boot = { 
/**
 * The language picked in Settings (none: the system's).
 */
language: string | null, 
/**
 * Whether the page keeps every command and its answer in `window.__ipcLog`: only for
 * the end-to-end tests (`LICENSE_COMPANION_RECORD_IPC`), which read it to prove no
 * secret reaches the page.
 */
recordIpc: boolean, appVersion: string, coreVersion: string, demo: boolean, 
/**
 * The language the system locale asks for (`en` or `zh-CN`), used until the user picks
 * one. Read here because WebKit reports `en-US` whenever the locale is not generated.
 */
systemLanguage: string, };

export type Candidate = { id: string, name: string, 
/**
 * `None` for a premium license, which no organization takes.
 */
belonging: Belonging | null, };

export type CertificateKind = "production" | "development" | "custom";

export type Change = { what: string, 
/**
 * `what` as a catalog phrase.
 */
label: Phrase, current: string | null, new: string | null, changed: boolean, 
/**
 * `current` and `new` are a switch: `on` or `off`.
 */
switch: boolean, };

export type ChangeView = { key: string, value: string, line: number | null, };

export type Check = { code: string, ok: boolean, message: string, advice: string, phrase: Phrase, advicePhrases: Array<Phrase>, };

export type ClaimMismatch = { 
/**
 * The property (C# name, as the claim is named).
 */
field: string, 
/**
 * The JSON property in claim notation; `None` when null.
 */
json: string | null, 
/**
 * The claim as issued; `None` when the token has no such claim.
 */
claim: string | null, };

export type CloudChoice = { id: string, name: string, plan: string | null, 
/**
 * Whether its plan allows self-hosting (`None` when the plan could not be read).
 */
canSelfHost: boolean | null, 
/**
 * Why its plan could not be read.
 */
problem: Problem | null, };

export type CloudChoices = { linked: string | null, email: string, premium: boolean, organizations: Array<CloudChoice>, };

export type CloudOrganization = { id: string, name: string, 
/**
 * When its token was made or last rotated; `None` when it has none yet.
 */
tokenDate: string | null, 
/**
 * Why no token can be had for it (not Teams or Enterprise, …).
 */
problem: Problem | null, };

export type CloudOrgs = { region: Region, email: string, organizations: Array<CloudOrganization>, };

export type CodeKind = "twoFactor" | "newDevice";

export type CommandError = Problem;

export type ConnectionCheck = { reachable: boolean, version: string | null, problem: Problem | null, checkedAt: string, };

export type CreateProgress = { step: CreateStep, };

export type CreateStep = "checking" | "sending";

export type CreatedOrganization = { 
/**
 * The self-hosted organization's own id (not the cloud organization's).
 */
id: string, name: string, collection: string | null, 
/**
 * The organization's key pair is on the server.
 */
keyPairSaved: boolean, 
/**
 * Where the license was archived.
 */
archived: string | null, 
/**
 * What did not work once the organization existed.
 */
warnings: Array<Problem>, };

export type Dashboard = { rows: Array<Row>, worst: Status, checkedAt: string, };

export type Dates = { issued: string, refresh: string | null, 
/**
 * When the organization is disabled (or premium ends); includes the grace period.
 */
expires: string | null, 
/**
 * When the subscription itself ends (organizations only).
 */
expirationWithoutGrace: string | null, 
/**
 * `field`, `claim`, or `computed` (Expires - 60 days, or Expires for a trial).
 */
expirationWithoutGraceSource: string | null, daysUntilGrace: bigint | null, daysUntilDisabled: bigint | null, tokenExpires: string | null, daysUntilTokenExpires: bigint | null, };

export type Dropped = { id: string | null, error: CommandError | null, };

export type FetchedToken = { masked: string, revisionDate: string | null, 
/**
 * A new connection was made on the server (else the existing one was updated).
 */
created: boolean, organization: OrganizationBilling, };

export type Filler = string | Phrase;

export type Finding = { code: FindingCode, message: string, advice: string, words: Words, };

export type FindingCode = string;

export type FixView = { envFile: string, 
/**
 * `nothingToDo`, `written` or `commands`.
 */
outcome: string, changes: Array<ChangeView>, backup: string | null, commands: Array<string>, restart: string, };

export type HashReport = { stored: string | null, 
/**
 * `None` when the version is not supported.
 */
computed: string | null, matches: boolean, };

export type HistoryEntry = { 
/**
 * Names the entry for [`restorable`] (never a path a caller could change).
 */
key: string, 
/**
 * `organization` or `premium`.
 */
ownerKind: string, ownerId: string, role: ArchivedRole, 
/**
 * The server's answer, for a refused license.
 */
answer: string | null, 
/**
 * Whom the license names (organization name or account e-mail), read from the file
 * so the history reads the same when the server cannot be reached.
 */
licensedTo: string | null, 
/**
 * It was in force at some point, so it can be applied again.
 */
restorable: boolean, at: string, file: string, };

export type Inspection = { kind: LicenseKind, kindSource: KindSource, version: number, 
/**
 * Whether the server would accept the upload.
 */
valid: boolean, path: ValidationPath, 
/**
 * The server's reply when it would refuse the upload.
 */
serverMessage: string | null, sizeBytes: number, hash: HashReport, signature: SignatureReport, token: TokenSection, checks: Array<Check>, 
/**
 * Findings that do not stop the upload but need attention.
 */
warnings: Array<Problem>, 
/**
 * Server checks that could not run because the options lacked what they compare with.
 */
notChecked: Array<Problem>, dates: Dates, license: LicenseSummary, };

export type Installation = { installationId: string | null, installationKeyPresent: boolean, region: Region, cloudCommunication: boolean, vaultUrl: string | null, apiUri: string, identityUri: string, layout: Layout, source: string, envFile: string, origins: Origins, findings: Array<Finding>, };

export type InstallationPlace = { "kind": "folder", path: string, } | { "kind": "envFile", path: string, } | { "kind": "ssh", target: string, };

export type InstallationRef = { id: string, origin: string, };

export type Instance = { 
/**
 * Stable identifier (a UUID) the UI and the tray refer to the instance by.
 */
id: string, 
/**
 * The name the admin gave it ("Office vault").
 */
name: string, 
/**
 * The web vault URL (`https://vault.example.org`), as `bwlicense --server` takes it.
 */
url: string, 
/**
 * A PEM file of the CA that signed the server's certificate, for private CAs.
 */
caFile: string | null, 
/**
 * Where the server's installation settings can be read, if the admin said.
 */
installation: InstallationPlace | null, 
/**
 * What the daily check renews by itself from the cloud (off until switched on).
 */
renewAutomatically?: Array<RenewalSwitch>, };

export type InstanceBilling = { instanceId: string, server: string, email: string, 
/**
 * The server's own answer to "may I talk to the cloud?".
 */
cloudCommunication: boolean, organizations: Array<OrganizationBilling>, 
/**
 * The account has premium on the server, and whether it is renewed by itself.
 */
premium: boolean, renewPremium: boolean, };

export type InstanceDraft = { id: string | null, name: string, url: string, caFile: string | null, installation: InstallationPlace | null, };

export type InstanceView = { account: Account | null, 
/**
 * The last connection test (or a check that could not reach the server), this run.
 */
connection: ConnectionCheck | null, 
/**
 * Stable identifier (a UUID) the UI and the tray refer to the instance by.
 */
id: string, 
/**
 * The name the admin gave it ("Office vault").
 */
name: string, 
/**
 * The web vault URL (`https://vault.example.org`), as `bwlicense --server` takes it.
 */
url: string, 
/**
 * A PEM file of the CA that signed the server's certificate, for private CAs.
 */
caFile: string | null, 
/**
 * Where the server's installation settings can be read, if the admin said.
 */
installation: InstallationPlace | null, 
/**
 * What the daily check renews by itself from the cloud (off until switched on).
 */
renewAutomatically?: Array<RenewalSwitch>, };

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null;

export type KindSource = "license_type" | "properties";

export type Layout = "standard" | "lite";

export type LicenseKind = "organization" | "user";

export type LicenseSummary = { id: string, name: string | null, plan: string | null, planType: number | null, planTypeName: string | null, seats: number | null, maxCollections: number | null, maxStorageGb: number | null, smSeats: number | null, smServiceAccounts: number | null, installationId: string | null, billingEmail: string | null, businessName: string | null, email: string | null, premium: boolean | null, enabled: boolean | null, selfHost: boolean | null, trial: boolean, licenseType: number | null, 
/**
 * Feature switches, e.g. `use_sso`.
 */
features: { [key in string]: boolean }, };

export type LinkSource = { "kind": "server_file", path: string, } | { "kind": "archive", path: string, } | { "kind": "billing_sync" };

export type LoginKind = "api_key" | "password";

export type Loss = { "kind": "seats", current: bigint | null, new: bigint | null, } | { "kind": "collections", current: bigint | null, new: bigint | null, } | { "kind": "plan", current: string, new: string, } | { "kind": "feature", key: string, label: string, 
/**
 * `label` as a catalog phrase.
 */
phrase: Phrase, };

export type Method = "apiKey" | "password";

export type NextCheck = { at: string, outcome: Outcome, 
/**
 * The server's disable text, when it disables.
 */
serverText: string | null, 
/**
 * The one thing that keeps it enabled.
 */
action: AuditAction | null, };

export type Offer = { 
/**
 * The server's number for the method, sent back with the code.
 */
id: number, 
/**
 * The e-mail method (its code can be sent again on request).
 */
email: boolean, name: string, 
/**
 * The masked e-mail address for the e-mail method.
 */
hint: string | null, 
/**
 * Whether a typed code completes it here (authenticator, e-mail).
 */
typed: boolean, };

export type OpenedReport = { id: string, file: string, source: string, 
/**
 * The installation the license was checked against, when the instance says where
 * its installation lives and it could be read.
 */
installation: InstallationRef | null, 
/**
 * Why the installation could not be read (the checks then skip it).
 */
installationProblem: Problem | null, inspection: Inspection, };

export type OrganizationBilling = { id: string, name: string, 
/**
 * The server has a billing sync connection for it.
 */
connected: boolean, enabled: boolean, cloudOrganizationId: string | null, lastLicenseSync: string | null, 
/**
 * The renewal date and the end of the grace period (contract §6).
 */
renewal: string | null, expiration: string | null, 
/**
 * The daily check renews its license from the cloud by itself.
 */
renewAutomatically: boolean, 
/**
 * The token, masked: the keychain's copy, else the server's.
 */
token: string | null, tokenInKeychain: boolean, 
/**
 * Whether the keychain and the server hold the same token; `None` unless both hold one.
 */
keychainMatchesServer: boolean | null, 
/**
 * Why the keychain could not be read (the server's side still shows).
 */
keychainProblem: Problem | null, };

export type Origin = "default" | { file: string, line: number };

export type Origins = { installationId: Origin, installationKey: Origin, region: Origin, vaultUrl: Origin, apiUri: Origin, identityUri: Origin, cloudCommunication: Origin, };

export type Outcome = "stays_enabled" | "disabled" | "job_fails" | "skipped" | "unknown";

export type Overview = { cloudRegion: Region, cloudAccount: Account | null, instances: Array<InstanceView>, };

export type Phrase = { key: string, values?: { [key in string]: Filler }, };

export type PlanNote = { code: string, message: string, advice: string, 
/**
 * `message` and `advice` in the catalog's words, for a window in any language (where
 * the core has them).
 */
words?: Words | null, };

export type PlannedUpload = { planId: string, plan: UploadPlan, };

export type Problem = { code: string, message: string, advice: string, 
/**
 * `message` and `advice` in the catalog's words, for a window in any language (where
 * the core has them).
 */
words?: Words | null, };

export type Progress = { instanceId: string, rows: Array<Row>, 
/**
 * Servers read so far, this one included, of `total`.
 */
done: number, total: number, 
/**
 * The worst status of every row so far.
 */
worst: Status, checkedAt: string, };

export type Region = "US" | "EU";

export type RenewalSwitch = { "kind": "organization", "id": string } | { "kind": "premium" };

export type ReplacedCopy = { source: string, 
/**
 * Whether it is the server's own file (else the archive's last applied one).
 */
fromServer: boolean, };

export type Restored = { report: OpenedReport, 
/**
 * Where it was applied, which the review proposes again.
 */
target: TargetArg, };

export type Row = { instanceId: string, instanceName: string, server: string, kind: RowKind, orgId: string | null, 
/**
 * The organization's name, the premium account's e-mail, or the instance's name.
 */
name: string, plan: string | null, seats: bigint | null, 
/**
 * When the organization is disabled (grace period included).
 */
expires: string | null, 
/**
 * When the subscription itself ends.
 */
expiresWithoutGrace: string | null, 
/**
 * Whole days until `expires` (negative once passed).
 */
daysLeft: bigint | null, billingSync: BillingSync | null, lastSync: string | null, status: Status, problems: Array<RowProblem>, 
/**
 * Set when the server could not be reached: plan, seats and dates are those of the
 * last successful check, made at this time.
 */
lastKnownAt: string | null, 
/**
 * False on a server that takes no Bitwarden licenses (Vaultwarden): the row has no
 * plan, dates or billing sync, and nothing to renew.
 */
takesLicenses: boolean, 
/**
 * What the server's next license check will do to it, when its files could be read.
 */
nextCheck: NextCheck | null, };

export type RowKind = "organization" | "premium" | "instance";

export type RowProblem = { code: string, status: Status, message: string, advice: string, 
/**
 * `message` and `advice` in the catalog's words (absent when the server's own
 * failure has none).
 */
words: Words | null, action: Action | null, };

export type Settings = { 
/**
 * `"en"` or `"zh-CN"`; `None` follows the system locale.
 */
language: string | null, 
/**
 * Start the app (hidden, in the tray) when the user logs in. Off until asked for.
 */
startAtLogin: boolean, 
/**
 * Region of the Bitwarden cloud account licenses are downloaded from.
 */
cloudRegion: Region, 
/**
 * The self-hosted servers, in the order the user added them.
 */
instances: Array<Instance>, };

export type SetupCheck = { 
/**
 * Where the installation settings were read, when the app knows where they are.
 */
source: string | null, installationId: string | null, 
/**
 * The installation's cloud region, and the cloud account's region in the app.
 */
region: Region | null, accountRegion: Region, 
/**
 * `enableCloudCommunication` in the env file.
 */
cloudCommunication: boolean | null, 
/**
 * The running server's answer (it may not have been restarted since the file changed).
 */
serverCloudCommunication: boolean | null, 
/**
 * Each problem with its fix; empty when billing sync can work.
 */
problems: Array<Problem>, ready: boolean, };

export type SignInStep = { 
/**
 * `done`, `twoFactor` or `newDevice`.
 */
state: string, 
/**
 * Pass it back with the code; `None` once done.
 */
loginId: string | null, providers: Array<Offer>, 
/**
 * The signed-in account, once done.
 */
email: string | null, };

export type SignatureReport = { status: SignatureStatus, 
/**
 * The certificate whose key verified the signature.
 */
certificate: CertificateKind | null, 
/**
 * Why it is not valid, in plain words (the English of `fault`).
 */
detail: string | null, };

export type SignatureStatus = "valid" | "invalid" | "missing" | "untrusted";

export type Status = "ok" | "unknown" | "warning" | "error";

export type TargetArg = { "kind": "organization", id: string, } | { "kind": "premium" };

export type Targets = { 
/**
 * The organizations the signed-in account owns there, each with whether the license
 * belongs to it (`belonging.verdict`: `same`, `another`, `unknown`).
 */
organizations: Array<Candidate>, 
/**
 * The signed-in account (its premium license is replaced by a premium upload).
 */
accountEmail: string, accountPremium: boolean, 
/**
 * The organization the license belongs to, or `premium`.
 */
suggested: string | null, 
/**
 * The license can make a new organization here.
 */
canCreate: boolean, defaultCollection: string, };

export type TokenSection = { mismatches: Array<ClaimMismatch>, status: TokenStatus, 
/**
 * The certificate whose key verified the token.
 */
certificate: CertificateKind | null, 
/**
 * The claims as issued (also shown when the token fails, to help diagnose it).
 */
claims: { [key in string]: JsonValue } | null, 
/**
 * The stable code of the failure, when it failed.
 */
code: string | null, 
/**
 * The server's message for the failure (without the `Invalid license. ` prefix).
 */
message: string | null, expires: string | null, notBefore: string | null, };

export type TokenStage = "signing-in" | "verifying" | "fetching" | "saving" | "done";

export type TokenStatus = "valid" | "invalid" | "expired" | "missing";

export type UploadOutcome = { 
/**
 * The API route that took the license.
 */
route: string, archivedReplaced: string | null, archivedNew: string, };

export type UploadPlan = { target: UploadTarget, file: string, inspection: Inspection, 
/**
 * The server would refuse the file (the inspection's verdict).
 */
wouldBeRefused: boolean, notes: Array<PlanNote>, changes: Array<Change>, replaced: ReplacedCopy | null, 
/**
 * The target organization's name on the server (or its ID when it has none).
 */
organizationName: string | null, 
/**
 * Whether an organization license belongs to the target organization.
 */
belonging: Belonging | null, 
/**
 * What the target has now that the license takes away.
 */
losses: Array<Loss>, 
/**
 * The name the admin must type before it is sent: set for a downgrade and when the
 * target's cloud organization is unknown.
 */
confirmByName: string | null, 
/**
 * The size of the whole request body.
 */
requestBytes: number, };

export type UploadTarget = { "kind": "organization", "id": string } | { "kind": "premium" };

export type ValidationPath = "claims" | "legacy";

export type Words = { message: Array<Phrase>, advice: Array<Phrase>, };

/** What each command takes (`args`) and answers; a refusal is a `Problem`. */
export interface Commands {
  app_info: { args: {}; answer: AppInfo };
  startup_problem: { args: {}; answer: Problem | null };
  settings_get: { args: {}; answer: Settings };
  settings_set_language: { args: { language?: string | null }; answer: Settings };
  page_ready: { args: {}; answer: null };
  dashboard_painted: { args: { rows: number; servers: number }; answer: null };
  settings_set_start_at_login: { args: { enabled: boolean }; answer: Settings };
  billing_overview: { args: { instanceId: string }; answer: InstanceBilling };
  billing_set_renewal: { args: { instanceId: string; orgId?: string | null; on: boolean }; answer: boolean };
  billing_save_token: { args: { instanceId: string; orgId: string; token: string }; answer: OrganizationBilling };
  billing_sync_now: { args: { instanceId: string; orgId: string }; answer: OrganizationBilling };
  billing_setup_check: { args: { instanceId: string }; answer: SetupCheck };
  billing_cloud_orgs: { args: {}; answer: CloudOrgs };
  billing_request_code: { args: {}; answer: string };
  billing_fetch_token: { args: { instanceId: string; orgId: string; cloudOrgId: string; rotate: boolean; password?: string | null; code?: string | null }; answer: FetchedToken };
  dashboard_load: { args: { onInstance: Channel<Progress> }; answer: Dashboard };
  instances_overview: { args: {}; answer: Overview };
  instance_save: { args: { draft: InstanceDraft }; answer: Overview };
  instance_remove: { args: { instanceId: string }; answer: Overview };
  cloud_region_set: { args: { region: Region }; answer: Overview };
  instance_test_connection: { args: { instanceId: string }; answer: ConnectionCheck };
  installation_read: { args: { instanceId: string }; answer: Installation };
  installation_fix: { args: { instanceId: string }; answer: FixView };
  license_pick: { args: { instanceId?: string | null; title: string }; answer: OpenedReport | null };
  license_report: { args: { id: string; instanceId?: string | null }; answer: OpenedReport };
  license_download: { args: { instanceId?: string | null; cloudOrgId?: string | null }; answer: OpenedReport };
  license_cloud_orgs: { args: { instanceId?: string | null; orgId?: string | null }; answer: CloudChoices };
  license_targets: { args: { instanceId: string; id: string }; answer: Targets };
  license_plan_upload: { args: { instanceId: string; id: string; target: TargetArg }; answer: PlannedUpload };
  license_send_upload: { args: { planId: string; confirmed?: string | null }; answer: UploadOutcome };
  license_discard_upload: { args: { planId: string }; answer: null };
  license_history: { args: { instanceId: string }; answer: Array<HistoryEntry> };
  license_restore: { args: { instanceId: string; key: string }; answer: Restored };
  license_create_organization: { args: { instanceId: string; id: string; collection?: string | null }; answer: CreatedOrganization };
  signin_start: { args: { instanceId?: string | null; method: Method; email?: string | null; password?: string | null; clientId?: string | null; clientSecret?: string | null }; answer: SignInStep };
  signin_continue: { args: { loginId: string; kind: CodeKind; provider?: number | null; code: string }; answer: SignInStep };
  signin_send_email_code: { args: { loginId: string }; answer: null };
  signin_cancel: { args: { loginId: string }; answer: null };
  sign_out: { args: { instanceId?: string | null }; answer: boolean };
}

/** What the window sends the page unasked (`events.rs`), by name. */
export interface Events {
  "billing-progress": BillingProgress;
  "license-create-progress": CreateProgress;
  "license-dropped": Dropped;
}

/** A stream a command sends its partial results through (`ipc.js` `channel`). */
export interface Channel<T> {
  onmessage: (message: T) => void;
}

declare global {
  interface Window {
    /** What the window hands the page before its first script runs. */
    __BOOT__: Boot;
    /** The catalogs of words, by language (core/messages/*.json). */
    __MESSAGES__: Record<string, Record<string, string>>;
    __TAURI__: any;
    __ipcLog?: Array<unknown>;
  }
}
