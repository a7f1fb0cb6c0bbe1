//! The dashboard: one row per organization or premium account on each configured server,
//! with its plan, seats and dates, every problem found (from the server's answers, the
//! license file it runs on and the installation's settings), one action per problem, and a
//! [`Status`]. Pure: the shell gathers the facts (network, files, SSH) and calls [`rows`]
//! with the clock, so the rules are tested with fixed dates. A [`Gathering`] takes the
//! servers one at a time, as their answers come in, so the window shows each server's rows
//! without waiting for the slowest.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::settings::Instance;
use super::status::Status;
use crate::audit::{AuditReport, Outcome, Subject};
use crate::bitwarden::OrganizationState;
use crate::error::{Problem, Words};
use crate::installation::FindingCode;
use crate::license::dates::days_until;
use crate::messages::{say_all, Phrase};

/// A license that expires within this many days is flagged.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// Everything learnt about one configured server.
#[derive(Debug, Clone)]
pub struct InstanceFacts {
    pub instance: Instance,
    /// What the server said, or why it could not be asked (not signed in, unreachable).
    pub server: Result<ServerFacts, Problem>,
    /// The installation's settings, when the admin said where they live.
    pub installation: Option<Result<InstallationFacts, Problem>>,
    /// What the server's license jobs will do at their next run, from the license files it
    /// keeps, when the admin said where the installation lives.
    pub audit: Option<Result<AuditReport, Problem>>,
}

/// What the signed-in account sees on a server.
#[derive(Debug, Clone)]
pub struct ServerFacts {
    pub email: String,
    /// `GET /organizations/connections/enabled` (contract §4.3).
    pub cloud_communication: bool,
    pub organizations: Vec<OrganizationState>,
    /// The account's premium, when it has it.
    pub premium: Option<PremiumFacts>,
    /// The installation ID inside the license file each organization runs on, when that
    /// file could be read (the server's license folder, or the copy this app applied).
    pub license_installations: Vec<(Uuid, Uuid)>,
    /// Whether Bitwarden licenses apply to the server (`OrganizationsReport::takes_licenses`:
    /// not on Vaultwarden).
    pub takes_licenses: bool,
}

/// A premium account on a self-hosted server. The server reports no premium dates; they
/// come from the license file when it could be read.
#[derive(Debug, Clone)]
pub struct PremiumFacts {
    pub expires: Option<DateTime<Utc>>,
}

/// The installation's settings, as far as the dashboard cares.
#[derive(Debug, Clone)]
pub struct InstallationFacts {
    pub installation_id: Option<Uuid>,
    /// Findings with their stable code, message and advice.
    pub findings: Vec<(FindingCode, Problem)>,
}

/// What a dashboard row is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum RowKind {
    Organization,
    Premium,
    /// The server itself, when nothing more could be learnt from it.
    Instance,
}

/// State of an organization's billing sync connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum BillingSync {
    NotSetUp,
    Disabled,
    Enabled,
}

/// Where a problem's button leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum ActionKind {
    /// Sign in to the server (instances view).
    SignIn,
    /// Check the server's address and certificate (instances view).
    CheckServer,
    /// Download and apply a new license (license view).
    NewLicense,
    /// Set up or repair billing sync (billing view).
    BillingSync,
    /// Read or fix the installation's settings (instances view).
    Installation,
}

/// A problem's button: its kind names the label, `view` and `params` go to the router.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Action {
    pub kind: ActionKind,
    pub view: &'static str,
    pub params: ActionParams,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ActionParams {
    pub instance_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_id: Option<Uuid>,
}

/// One problem of a row, with the button that deals with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RowProblem {
    pub code: String,
    pub status: Status,
    pub message: String,
    pub advice: String,
    /// `message` and `advice` in the catalog's words (absent when the server's own
    /// failure has none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub words: Option<Box<Words>>,
    pub action: Option<Action>,
}

/// One line of the dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Row {
    pub instance_id: String,
    pub instance_name: String,
    pub server: String,
    pub kind: RowKind,
    pub org_id: Option<Uuid>,
    /// The organization's name, the premium account's e-mail, or the instance's name.
    pub name: String,
    pub plan: Option<String>,
    pub seats: Option<i64>,
    /// When the organization is disabled (grace period included).
    pub expires: Option<DateTime<Utc>>,
    /// When the subscription itself ends.
    pub expires_without_grace: Option<DateTime<Utc>>,
    /// Whole days until `expires` (negative once passed).
    pub days_left: Option<i64>,
    pub billing_sync: Option<BillingSync>,
    pub last_sync: Option<DateTime<Utc>>,
    pub status: Status,
    pub problems: Vec<RowProblem>,
    /// Set when the server could not be reached: plan, seats and dates are those of the
    /// last successful check, made at this time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_known_at: Option<DateTime<Utc>>,
    /// False on a server that takes no Bitwarden licenses (Vaultwarden): the row has no
    /// plan, dates or billing sync, and nothing to renew.
    pub takes_licenses: bool,
    /// What the server's next license check will do to it, when its files could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_check: Option<NextCheck>,
}

/// The prediction of the server's next license check for one row (see [`crate::audit`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct NextCheck {
    pub at: DateTime<Utc>,
    pub outcome: Outcome,
    /// The server's disable text, when it disables.
    pub server_text: Option<&'static str>,
    /// The one thing that keeps it enabled.
    pub action: Option<crate::audit::Action>,
}

impl NextCheck {
    fn of(subject: &Subject) -> NextCheck {
        NextCheck {
            at: subject.next_run,
            outcome: subject.prediction.outcome,
            server_text: subject.prediction.server_text,
            action: subject.prediction.action.clone(),
        }
    }
}

/// The rows of each instance's last successful check (by instance id), so a server that
/// cannot be reached keeps showing what was last known of it. Held in memory only.
#[derive(Debug, Clone, Default)]
pub struct LastKnown {
    rows: HashMap<String, (DateTime<Utc>, Vec<Row>)>,
}

impl LastKnown {
    /// Forgets what was known of an instance (its address changed, it was removed).
    pub fn forget(&mut self, instance_id: &str) {
        self.rows.remove(instance_id);
    }

    /// One instance's rows at `now`, remembered when its server answered. A server that
    /// cannot be reached (not merely signed out) keeps its remembered rows, marked
    /// [`Row::last_known_at`], with the failure as their problem.
    fn rows_of(&mut self, facts: &InstanceFacts, now: DateTime<Utc>) -> Vec<Row> {
        let fresh = instance_rows(facts, now);
        match &facts.server {
            Ok(_) => {
                self.rows
                    .insert(facts.instance.id.clone(), (now, fresh.clone()));
                fresh
            }
            Err(failure) if !signed_out(failure) => match self.rows.get(&facts.instance.id) {
                Some((at, kept)) => last_known(kept, &fresh, *at, now),
                None => fresh,
            },
            Err(_) => fresh,
        }
    }
}

/// The whole dashboard; the tray reads `worst` for its icon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Dashboard {
    pub rows: Vec<Row>,
    pub worst: Status,
    pub checked_at: DateTime<Utc>,
}

/// The servers a check could not ask, by why: nobody is signed in, or no answer came.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Unasked {
    pub signed_out: usize,
    pub unreachable: usize,
}

impl Dashboard {
    /// The servers this check could not ask. A signed-in server that has no organization
    /// or premium account was asked: its row is not counted.
    pub fn unasked(&self) -> Unasked {
        let mut unasked = Unasked::default();
        for row in self.rows.iter().filter(|r| r.kind == RowKind::Instance) {
            match row.problems.first().and_then(|p| p.action.as_ref()) {
                Some(action) if action.kind == ActionKind::SignIn => unasked.signed_out += 1,
                Some(action) if action.kind == ActionKind::CheckServer => unasked.unreachable += 1,
                _ => {}
            }
        }
        unasked
    }

    /// The rows of every instance, worst first, at `now`.
    pub fn build(facts: &[InstanceFacts], now: DateTime<Utc>) -> Dashboard {
        let rows = rows(facts, now);
        Dashboard {
            worst: Status::worst(rows.iter().map(|r| r.status)),
            rows,
            checked_at: now,
        }
    }
}

/// A dashboard filled in one server at a time, in the order their answers come.
#[derive(Debug)]
pub struct Gathering {
    rows: Vec<Row>,
    instances: Vec<String>,
    total: usize,
    checked_at: DateTime<Utc>,
}

/// One server's rows as they come in, with how far the check is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    pub instance_id: String,
    pub rows: Vec<Row>,
    /// Servers read so far, this one included, of `total`.
    pub done: usize,
    pub total: usize,
    /// The worst status of every row so far.
    pub worst: Status,
    pub checked_at: DateTime<Utc>,
}

impl Gathering {
    /// A check of `total` servers, started at `now`.
    pub fn new(total: usize, now: DateTime<Utc>) -> Gathering {
        Gathering {
            rows: Vec::new(),
            instances: Vec::new(),
            total,
            checked_at: now,
        }
    }

    /// Adds one server's facts, learnt at `now` (rows remembered in `memory` as
    /// [`LastKnown`] says), and says what to show.
    pub fn add(
        &mut self,
        facts: &InstanceFacts,
        now: DateTime<Utc>,
        memory: &mut LastKnown,
    ) -> Progress {
        let rows = memory.rows_of(facts, now);
        self.rows.extend(rows.iter().cloned());
        self.instances.push(facts.instance.id.clone());
        self.checked_at = now;
        Progress {
            instance_id: facts.instance.id.clone(),
            rows,
            done: self.instances.len(),
            total: self.total,
            worst: Status::worst(self.rows.iter().map(|r| r.status)),
            checked_at: now,
        }
    }

    /// Every row, worst first, as of the last answer; `memory` forgets the servers that
    /// were not part of this check (removed meanwhile).
    pub fn finish(mut self, memory: &mut LastKnown) -> Dashboard {
        memory.rows.retain(|id, _| self.instances.contains(id));
        sort(&mut self.rows);
        Dashboard {
            worst: Status::worst(self.rows.iter().map(|r| r.status)),
            rows: self.rows,
            checked_at: self.checked_at,
        }
    }
}

/// The remembered rows of an unreachable server: their plan, seats and dates, with the
/// problems of the failed check (`fresh` is its single server row).
fn last_known(kept: &[Row], fresh: &[Row], at: DateTime<Utc>, now: DateTime<Utc>) -> Vec<Row> {
    let problems = fresh
        .iter()
        .flat_map(|r| r.problems.iter().cloned())
        .collect::<Vec<_>>();
    kept.iter()
        .map(|row| {
            let mut row = row.clone();
            row.days_left = row.expires.map(|d| days_until(now, d));
            row.last_known_at = Some(at);
            finish(row, problems.clone())
        })
        .collect()
}

/// Every row, sorted worst status first, then fewest days left, then by name.
pub fn rows(facts: &[InstanceFacts], now: DateTime<Utc>) -> Vec<Row> {
    let mut rows: Vec<Row> = facts.iter().flat_map(|f| instance_rows(f, now)).collect();
    sort(&mut rows);
    rows
}

fn sort(rows: &mut [Row]) {
    rows.sort_by(|a, b| {
        b.status
            .cmp(&a.status)
            .then_with(|| {
                a.days_left
                    .unwrap_or(i64::MAX)
                    .cmp(&b.days_left.unwrap_or(i64::MAX))
            })
            .then_with(|| a.instance_name.cmp(&b.instance_name))
            .then_with(|| a.name.cmp(&b.name))
    });
}

fn instance_rows(facts: &InstanceFacts, now: DateTime<Utc>) -> Vec<Row> {
    let instance = &facts.instance;
    let params = |org_id| ActionParams {
        instance_id: instance.id.clone(),
        org_id,
    };
    let installation = installation_problems(facts, &params(None));
    let server = match &facts.server {
        Ok(server) => server,
        Err(problem) => {
            let mut problems = vec![server_problem(problem, params(None))];
            problems.extend(installation);
            return vec![finish(blank_row(instance, RowKind::Instance), problems)];
        }
    };
    let installation_id = match &facts.installation {
        Some(Ok(found)) => found.installation_id,
        _ => None,
    };
    if !server.takes_licenses {
        return unlicensed_rows(instance, server, installation);
    }
    let mut rows = Vec::new();
    for org in &server.organizations {
        let mut row = blank_row(instance, RowKind::Organization);
        row.org_id = Some(org.id);
        row.name = org.name.clone();
        row.plan = org.plan.clone();
        row.seats = org.seats;
        row.expires = org.expiration;
        row.expires_without_grace = org.expiration_without_grace;
        row.days_left = org.expiration.map(|d| days_until(now, d));
        let sync = &org.billing_sync;
        row.billing_sync = Some(match (sync.exists(), sync.enabled) {
            (false, _) => BillingSync::NotSetUp,
            (true, false) => BillingSync::Disabled,
            (true, true) => BillingSync::Enabled,
        });
        row.last_sync = sync.last_license_sync;

        let new_license = || action(ActionKind::NewLicense, params(Some(org.id)));
        let mut problems = expiry_problems(
            org.expiration,
            org.expiration_without_grace,
            org.enabled,
            now,
            new_license,
        );
        let license_installation = server
            .license_installations
            .iter()
            .find(|(id, _)| *id == org.id)
            .map(|(_, installation)| *installation);
        if let (Some(license), Some(ours)) = (license_installation, installation_id) {
            if license != ours {
                problems.push(problem(
                    "license_wrong_installation",
                    Status::Error,
                    said("license_wrong_installation")
                        .with("license", license)
                        .with("ours", ours),
                    Some(new_license()),
                ));
            }
        }
        let billing = || action(ActionKind::BillingSync, params(Some(org.id)));
        match row.billing_sync {
            Some(BillingSync::NotSetUp) => problems.push(problem(
                "billing_sync_not_set_up",
                Status::Ok,
                said("billing_sync_not_set_up"),
                Some(billing()),
            )),
            Some(BillingSync::Disabled) => problems.push(problem(
                "billing_sync_disabled",
                Status::Warning,
                said("billing_sync_disabled"),
                Some(billing()),
            )),
            _ => {}
        }
        if !server.cloud_communication {
            problems.push(cloud_communication_off(params(None)));
        }
        problems.extend(installation.iter().cloned());
        if let Some(subject) = audited(facts, |r| &r.organizations, |s| s.id == org.id) {
            row.next_check = Some(NextCheck::of(subject));
            problems.extend(job_problem(subject, new_license()));
        }
        rows.push(finish(row, problems));
    }
    if let Some(premium) = &server.premium {
        let mut row = blank_row(instance, RowKind::Premium);
        row.name = server.email.clone();
        row.plan = Some("Premium".into());
        row.expires = premium.expires;
        row.days_left = premium.expires.map(|d| days_until(now, d));
        let new_license = || action(ActionKind::NewLicense, params(None));
        let mut problems = expiry_problems(premium.expires, None, true, now, new_license);
        let email = Some(server.email.as_str());
        if let Some(subject) = audited(facts, |r| &r.users, |s| s.name.as_deref() == email) {
            row.next_check = Some(NextCheck::of(subject));
            problems.extend(job_problem(subject, new_license()));
        }
        rows.push(finish(row, problems));
    }
    if rows.is_empty() {
        // Signed in, but nothing licensed here yet: still show the server and its findings.
        let mut problems = installation;
        if !server.cloud_communication {
            problems.push(cloud_communication_off(params(None)));
        }
        let mut row = blank_row(instance, RowKind::Instance);
        row.name = server.email.clone();
        rows.push(finish(row, problems));
    }
    rows
}

/// The rows of a server that takes no licenses (Vaultwarden): its organizations, or the
/// server itself, with only the installation's findings as problems.
fn unlicensed_rows(
    instance: &Instance,
    server: &ServerFacts,
    installation: Vec<RowProblem>,
) -> Vec<Row> {
    let mut rows: Vec<Row> = server
        .organizations
        .iter()
        .map(|org| {
            let mut row = blank_row(instance, RowKind::Organization);
            row.org_id = Some(org.id);
            row.name = org.name.clone();
            row.takes_licenses = false;
            finish(row, installation.clone())
        })
        .collect();
    if rows.is_empty() {
        let mut row = blank_row(instance, RowKind::Instance);
        row.name = server.email.clone();
        row.takes_licenses = false;
        rows.push(finish(row, installation));
    }
    rows
}

/// The audit's subject for a row, when the server's files were read.
fn audited(
    facts: &InstanceFacts,
    subjects: impl Fn(&AuditReport) -> &Vec<Subject>,
    this: impl Fn(&Subject) -> bool,
) -> Option<&Subject> {
    let Some(Ok(report)) = &facts.audit else {
        return None;
    };
    subjects(report).iter().find(|s| this(s))
}

/// The problem when the next run disables it or fails on its file.
fn job_problem(subject: &Subject, fix: Action) -> Option<RowProblem> {
    let p = &subject.prediction;
    let at = subject.next_run.format("%Y-%m-%d %H:%M UTC");
    let (code, said) = match p.outcome {
        Outcome::Disabled => (
            "license_check_will_disable",
            said("license_check_will_disable").with("text", p.server_text.unwrap_or_default()),
        ),
        Outcome::JobFails => ("license_check_will_fail", said("license_check_will_fail")),
        _ => return None,
    };
    let words = said.with("at", at);
    Some(problem(code, Status::Error, words, Some(fix)))
}

pub(super) fn blank_row(instance: &Instance, kind: RowKind) -> Row {
    Row {
        instance_id: instance.id.clone(),
        instance_name: instance.name.clone(),
        server: instance.url.clone(),
        kind,
        org_id: None,
        name: instance.name.clone(),
        plan: None,
        seats: None,
        expires: None,
        expires_without_grace: None,
        days_left: None,
        billing_sync: None,
        last_sync: None,
        status: Status::Ok,
        problems: Vec::new(),
        last_known_at: None,
        takes_licenses: true,
        next_check: None,
    }
}

fn finish(mut row: Row, problems: Vec<RowProblem>) -> Row {
    row.status = Status::worst(problems.iter().map(|p| p.status));
    row.problems = problems;
    row
}

fn action(kind: ActionKind, params: ActionParams) -> Action {
    let view = match kind {
        ActionKind::SignIn | ActionKind::CheckServer | ActionKind::Installation => "instances",
        ActionKind::NewLicense => "license",
        ActionKind::BillingSync => "billing",
    };
    Action { kind, view, params }
}

fn problem(code: &str, status: Status, said: Said, action: Option<Action>) -> RowProblem {
    RowProblem {
        code: code.to_owned(),
        status,
        message: say_all(&said.words.message, "en"),
        advice: say_all(&said.words.advice, "en"),
        words: Some(Box::new(said.words)),
        action,
    }
}

/// A row problem's words while they are put together: `dashboard.problem.<code>` and its
/// `.advice`, with the values the message names.
struct Said {
    words: Words,
}

fn said(code: &str) -> Said {
    Said {
        words: Words {
            message: vec![Phrase::new(format!("dashboard.problem.{code}"))],
            advice: vec![Phrase::new(format!("dashboard.problem.{code}.advice"))],
        },
    }
}

impl Said {
    fn with(mut self, name: &str, value: impl ToString) -> Self {
        self.words.message[0] = self.words.message[0].clone().with(name, value);
        self
    }
}

/// A row problem from a problem the core reported as it is, with its words when it has
/// them; `advice` replaces its advice where the row's button does what it says.
fn reported(
    failure: &Problem,
    status: Status,
    advice: Option<&str>,
    action: Option<Action>,
) -> RowProblem {
    let mut words = failure.words.clone();
    if let (Some(words), Some(key)) = (words.as_mut(), advice) {
        words.advice = vec![Phrase::new(key)];
    }
    RowProblem {
        code: failure.code.clone(),
        status,
        message: failure.message.clone(),
        advice: match advice {
            Some(key) => Phrase::new(key).say("en"),
            None => failure.advice.clone(),
        },
        words,
        action,
    }
}

/// Not signed in is unknown (nothing is wrong yet, it just cannot be checked); any other
/// failure to ask the server is an error.
fn server_problem(failure: &Problem, params: ActionParams) -> RowProblem {
    let signed_out = signed_out(failure);
    let (status, kind) = if signed_out {
        (Status::Unknown, ActionKind::SignIn)
    } else {
        (Status::Error, ActionKind::CheckServer)
    };
    // In the app the row's button signs in.
    let advice = signed_out.then_some("dashboard.problem.sign_in.advice");
    reported(failure, status, advice, Some(action(kind, params)))
}

/// Whether the server could not be asked only because nobody is signed in to it.
fn signed_out(failure: &Problem) -> bool {
    matches!(
        failure.code.as_str(),
        "not_signed_in" | "session_expired" | "unauthorized"
    )
}

/// Expired, in the grace period, or expiring soon (contract §6: `expiration` includes the
/// 60-day grace period, `expirationWithoutGracePeriod` is when the subscription ends).
fn expiry_problems(
    expires: Option<DateTime<Utc>>,
    without_grace: Option<DateTime<Utc>>,
    enabled: bool,
    now: DateTime<Utc>,
    new_license: impl Fn() -> Action,
) -> Vec<RowProblem> {
    let mut problems = Vec::new();
    let days_left = expires.map(|d| days_until(now, d));
    let grace_days = without_grace.map(|d| days_until(now, d));
    match days_left {
        Some(days) if days < 0 => problems.push(problem(
            "license_expired",
            Status::Error,
            said("license_expired").with("days", -days),
            Some(new_license()),
        )),
        Some(days) if grace_days.is_some_and(|g| g < 0) => problems.push(problem(
            "license_in_grace_period",
            Status::Warning,
            said("license_in_grace_period").with("days", days),
            Some(new_license()),
        )),
        Some(days) if days <= EXPIRY_WARNING_DAYS => problems.push(problem(
            "license_expiring",
            Status::Warning,
            said("license_expiring").with("days", days),
            Some(new_license()),
        )),
        _ => {}
    }
    if !enabled && days_left.is_none_or(|d| d >= 0) {
        problems.push(problem(
            "organization_disabled",
            Status::Error,
            said("organization_disabled"),
            Some(new_license()),
        ));
    }
    problems
}

fn cloud_communication_off(params: ActionParams) -> RowProblem {
    problem(
        "cloud_communication_off",
        Status::Warning,
        said("cloud_communication_off"),
        Some(action(ActionKind::Installation, params)),
    )
}

/// The installation's findings (or why it could not be read); the server already reports
/// cloud communication itself, so that finding is not repeated when the server answered.
fn installation_problems(facts: &InstanceFacts, params: &ActionParams) -> Vec<RowProblem> {
    let open = || Some(action(ActionKind::Installation, params.clone()));
    match &facts.installation {
        None => Vec::new(),
        Some(Err(failure)) => vec![RowProblem {
            code: "installation_unreadable".into(),
            ..reported(failure, Status::Unknown, None, open())
        }],
        Some(Ok(found)) => found
            .findings
            .iter()
            .filter(|(code, _)| {
                !(facts.server.is_ok() && *code == FindingCode::CloudCommunicationOff)
            })
            .map(|(_, finding)| reported(finding, Status::Warning, None, open()))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bitwarden::BillingSyncConnection;
    use chrono::{Duration, TimeZone};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
    }

    fn instance(id: &str, name: &str) -> Instance {
        Instance {
            id: id.into(),
            name: name.into(),
            url: format!("https://{id}.example.org"),
            ca_file: None,
            installation: None,
            renew_automatically: Vec::new(),
        }
    }

    /// An annual organization whose subscription ends in `days` (disabled 60 days later).
    fn org(n: u128, name: &str, days: i64) -> OrganizationState {
        let ends = now() + Duration::days(days) + Duration::hours(1);
        OrganizationState {
            id: Uuid::from_u128(n),
            name: name.into(),
            enabled: true,
            plan: Some("Enterprise (Annually)".into()),
            seats: Some(50),
            expiration: Some(ends + Duration::days(60)),
            expiration_without_grace: Some(ends),
            days_until_grace: None,
            days_until_disabled: None,
            billing_sync: BillingSyncConnection::default(),
        }
    }

    fn server(orgs: Vec<OrganizationState>) -> ServerFacts {
        ServerFacts {
            email: "owner@example.com".into(),
            cloud_communication: true,
            organizations: orgs,
            premium: None,
            license_installations: Vec::new(),
            takes_licenses: true,
        }
    }

    fn facts(instance: Instance, server: Result<ServerFacts, Problem>) -> InstanceFacts {
        InstanceFacts {
            instance,
            server,
            installation: None,
            audit: None,
        }
    }

    /// Every server's facts added in turn, as the shell does when their answers come in.
    fn gathered(facts: &[InstanceFacts], now: DateTime<Utc>, memory: &mut LastKnown) -> Dashboard {
        let mut gathering = Gathering::new(facts.len(), now);
        for f in facts {
            gathering.add(f, now, memory);
        }
        gathering.finish(memory)
    }

    fn codes(row: &Row) -> Vec<&str> {
        row.problems.iter().map(|p| p.code.as_str()).collect()
    }

    fn unreachable() -> Problem {
        Problem::new(
            "network_unreachable",
            "Could not reach https://dead.example.org.",
            "Check the URL.",
        )
    }

    #[test]
    fn a_healthy_organization_is_ok_with_its_plan_seats_and_days_left() {
        let dashboard = Dashboard::build(
            &[facts(
                instance("a", "Office"),
                Ok(server(vec![org(1, "Acme", 300)])),
            )],
            now(),
        );
        let row = &dashboard.rows[0];
        assert_eq!(row.kind, RowKind::Organization);
        assert_eq!(row.plan.as_deref(), Some("Enterprise (Annually)"));
        assert_eq!(row.seats, Some(50));
        assert_eq!(row.days_left, Some(360));
        assert_eq!(codes(row), ["billing_sync_not_set_up"]);
        assert_eq!(row.status, Status::Ok);
        assert_eq!(dashboard.worst, Status::Ok);
        assert_eq!(dashboard.checked_at, now());
    }

    #[test]
    fn expired_grace_and_expiring_licenses_are_flagged_with_a_new_license_action() {
        let mut expired = org(1, "Expired", -70);
        expired.enabled = false;
        let grace = org(2, "Grace", -10);
        let mut soon = org(3, "Soon", 0);
        soon.expiration = Some(now() + Duration::days(12) + Duration::hours(1));
        soon.expiration_without_grace = soon.expiration;
        let rows = rows(
            &[facts(
                instance("a", "Office"),
                Ok(server(vec![soon, grace, expired])),
            )],
            now(),
        );
        let by_name = |name: &str| rows.iter().find(|r| r.name == name).unwrap();

        let expired = by_name("Expired");
        assert_eq!(expired.status, Status::Error);
        assert_eq!(expired.problems[0].code, "license_expired");
        assert_eq!(
            expired.problems[0].message,
            "The license expired 10 days ago."
        );
        assert_eq!(
            say_all(
                &expired.problems[0].words.as_ref().unwrap().message,
                "zh-CN"
            ),
            "许可证已于 10 天前过期。"
        );
        let action = expired.problems[0].action.as_ref().unwrap();
        assert_eq!(
            (action.kind, action.view),
            (ActionKind::NewLicense, "license")
        );
        assert_eq!(action.params.org_id, Some(Uuid::from_u128(1)));
        assert_eq!(action.params.instance_id, "a");
        // Disabled because it expired: one problem, not two.
        assert!(!codes(expired).contains(&"organization_disabled"));

        let grace = by_name("Grace");
        assert_eq!(grace.status, Status::Warning);
        assert_eq!(grace.problems[0].code, "license_in_grace_period");
        assert_eq!(
            grace.problems[0].message,
            "The subscription has ended; the server keeps working for 50 more days (grace period)."
        );

        let soon = by_name("Soon");
        assert_eq!(soon.status, Status::Warning);
        assert_eq!(soon.problems[0].code, "license_expiring");
        assert_eq!(soon.days_left, Some(12));
    }

    #[test]
    fn rows_are_sorted_worst_first_then_fewest_days_left() {
        let rows = rows(
            &[
                facts(
                    instance("a", "Office"),
                    Ok(server(vec![
                        org(1, "Fine later", 300),
                        org(2, "Fine sooner", 100),
                        org(3, "Grace", -5),
                        org(4, "Expired", -90),
                    ])),
                ),
                facts(instance("b", "Branch"), Err(unreachable())),
            ],
            now(),
        );
        let order: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            order,
            ["Expired", "Branch", "Grace", "Fine sooner", "Fine later"]
        );
    }

    #[test]
    fn a_dead_server_is_one_error_row_not_a_failed_dashboard() {
        let dashboard = Dashboard::build(
            &[
                facts(
                    instance("a", "Office"),
                    Ok(server(vec![org(1, "Acme", 300)])),
                ),
                facts(instance("dead", "Branch"), Err(unreachable())),
            ],
            now(),
        );
        assert_eq!(dashboard.rows.len(), 2);
        let dead = &dashboard.rows[0];
        assert_eq!(
            (dead.kind, dead.instance_id.as_str()),
            (RowKind::Instance, "dead")
        );
        assert_eq!(dead.status, Status::Error);
        assert_eq!(dead.problems[0].advice, "Check the URL.");
        assert_eq!(
            dead.problems[0].action.as_ref().unwrap().kind,
            ActionKind::CheckServer
        );
        assert_eq!(dashboard.worst, Status::Error);
    }

    #[test]
    fn an_unreachable_server_keeps_its_last_known_rows_with_the_failure() {
        let mut memory = LastKnown::default();
        let office = instance("a", "Office");
        gathered(
            &[facts(office.clone(), Ok(server(vec![org(1, "Acme", 300)])))],
            now(),
            &mut memory,
        );
        let later = now() + Duration::days(2);
        let dashboard = gathered(&[facts(office, Err(unreachable()))], later, &mut memory);
        let row = &dashboard.rows[0];
        assert_eq!(dashboard.rows.len(), 1);
        assert_eq!(
            (row.kind, row.name.as_str()),
            (RowKind::Organization, "Acme")
        );
        assert_eq!(row.plan.as_deref(), Some("Enterprise (Annually)"));
        assert_eq!(row.seats, Some(50));
        assert_eq!(row.days_left, Some(358));
        assert_eq!(row.last_known_at, Some(now()));
        assert_eq!(codes(row), ["network_unreachable"]);
        assert_eq!(row.status, Status::Error);
    }

    #[test]
    fn each_servers_rows_come_as_it_answers_with_how_far_the_check_is() {
        let mut memory = LastKnown::default();
        let mut gathering = Gathering::new(2, now());
        let later = now() + Duration::seconds(3);
        let office = gathering.add(
            &facts(
                instance("a", "Office"),
                Ok(server(vec![org(1, "Acme", 300), org(2, "Beta", -10)])),
            ),
            now(),
            &mut memory,
        );
        assert_eq!(
            (office.instance_id.as_str(), office.done, office.total),
            ("a", 1, 2)
        );
        assert_eq!(office.rows.len(), 2);
        assert_eq!(office.worst, Status::Warning);
        let branch = gathering.add(
            &facts(instance("b", "Branch"), Err(unreachable())),
            later,
            &mut memory,
        );
        assert_eq!((branch.done, branch.total), (2, 2));
        assert_eq!(branch.rows.len(), 1);
        assert_eq!((branch.worst, branch.checked_at), (Status::Error, later));

        let dashboard = gathering.finish(&mut memory);
        let order: Vec<&str> = dashboard.rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(order, ["Branch", "Beta", "Acme"]);
        assert_eq!(
            (dashboard.worst, dashboard.checked_at),
            (Status::Error, later)
        );
    }

    #[test]
    fn a_server_removed_since_the_last_check_is_forgotten() {
        let mut memory = LastKnown::default();
        let office = instance("a", "Office");
        gathered(
            &[facts(office.clone(), Ok(server(vec![org(1, "Acme", 300)])))],
            now(),
            &mut memory,
        );
        gathered(&[], now(), &mut memory);
        let dashboard = gathered(&[facts(office, Err(unreachable()))], now(), &mut memory);
        assert_eq!(dashboard.rows[0].kind, RowKind::Instance);
        assert_eq!(dashboard.rows[0].last_known_at, None);
    }

    #[test]
    fn without_an_earlier_answer_or_when_signed_out_nothing_is_kept() {
        let mut memory = LastKnown::default();
        let dashboard = gathered(
            &[facts(instance("a", "Office"), Err(unreachable()))],
            now(),
            &mut memory,
        );
        assert_eq!(dashboard.rows[0].kind, RowKind::Instance);
        assert_eq!(dashboard.rows[0].last_known_at, None);

        gathered(
            &[facts(
                instance("a", "Office"),
                Ok(server(vec![org(1, "Acme", 300)])),
            )],
            now(),
            &mut memory,
        );
        let signed_out = Problem::new("not_signed_in", "Not signed in.", "Sign in.");
        let dashboard = gathered(
            &[facts(instance("a", "Office"), Err(signed_out))],
            now(),
            &mut memory,
        );
        assert_eq!(dashboard.rows[0].kind, RowKind::Instance);
        assert_eq!(dashboard.rows[0].status, Status::Unknown);
    }

    #[test]
    fn not_signed_in_is_unknown_with_a_sign_in_action() {
        let signed_out = Problem::new("not_signed_in", "Not signed in.", "Sign in.");
        let rows = rows(&[facts(instance("a", "Office"), Err(signed_out))], now());
        assert_eq!(rows[0].status, Status::Unknown);
        let action = rows[0].problems[0].action.as_ref().unwrap();
        assert_eq!(
            (action.kind, action.view),
            (ActionKind::SignIn, "instances")
        );
    }

    #[test]
    fn a_signed_in_server_with_no_organization_is_not_counted_as_unread() {
        let unreachable = Problem::new(
            "network_unreachable",
            "Cannot reach the server.",
            "Check the URL.",
        );
        let signed_out = Problem::new("not_signed_in", "Not signed in.", "Sign in.");
        let dashboard = Dashboard::build(
            &[
                facts(instance("empty", "Empty"), Ok(server(Vec::new()))),
                facts(instance("dead", "Dead"), Err(unreachable)),
                facts(instance("out", "Out"), Err(signed_out)),
            ],
            now(),
        );
        let instance_rows = dashboard
            .rows
            .iter()
            .filter(|r| r.kind == RowKind::Instance)
            .count();
        assert_eq!(instance_rows, 3);
        assert_eq!(
            dashboard.unasked(),
            Unasked {
                signed_out: 1,
                unreachable: 1
            }
        );
    }

    #[test]
    fn a_vaultwarden_server_lists_its_organizations_with_nothing_to_renew() {
        let mut expired = org(1, "Acme", -30);
        expired.enabled = false;
        let vaultwarden = ServerFacts {
            takes_licenses: false,
            cloud_communication: false,
            premium: Some(PremiumFacts { expires: None }),
            ..server(vec![expired])
        };
        let listed = rows(
            &[facts(instance("v", "Vaultwarden"), Ok(vaultwarden))],
            now(),
        );
        assert_eq!(listed.len(), 1, "{listed:?}");
        let row = &listed[0];
        assert_eq!(
            (row.kind, row.name.as_str()),
            (RowKind::Organization, "Acme")
        );
        assert!(!row.takes_licenses);
        assert_eq!(
            (row.plan.as_ref(), row.expires, row.billing_sync),
            (None, None, None)
        );
        assert_eq!(row.status, Status::Ok);
        assert!(row.problems.is_empty(), "{:?}", row.problems);

        let empty = ServerFacts {
            takes_licenses: false,
            ..server(Vec::new())
        };
        let alone = rows(&[facts(instance("v", "Vaultwarden"), Ok(empty))], now());
        assert_eq!(
            (alone[0].kind, alone[0].takes_licenses),
            (RowKind::Instance, false)
        );
    }

    #[test]
    fn a_license_for_another_installation_is_an_error() {
        let mut facts = facts(
            instance("a", "Office"),
            Ok(ServerFacts {
                license_installations: vec![(Uuid::from_u128(1), Uuid::from_u128(99))],
                ..server(vec![org(1, "Acme", 300)])
            }),
        );
        facts.installation = Some(Ok(InstallationFacts {
            installation_id: Some(Uuid::from_u128(7)),
            findings: Vec::new(),
        }));
        let rows = rows(&[facts], now());
        assert_eq!(rows[0].status, Status::Error);
        assert!(codes(&rows[0]).contains(&"license_wrong_installation"));
    }

    #[test]
    fn cloud_communication_off_and_billing_sync_off_are_warnings_with_their_actions() {
        let mut acme = org(1, "Acme", 300);
        acme.billing_sync.id = Some(Uuid::from_u128(9));
        acme.billing_sync.enabled = false;
        let mut server = server(vec![acme]);
        server.cloud_communication = false;
        let rows = rows(&[facts(instance("a", "Office"), Ok(server))], now());
        let row = &rows[0];
        assert_eq!(row.status, Status::Warning);
        let kinds: Vec<ActionKind> = row
            .problems
            .iter()
            .map(|p| p.action.as_ref().unwrap().kind)
            .collect();
        assert!(kinds.contains(&ActionKind::Installation));
        assert!(codes(row).contains(&"cloud_communication_off"));
    }

    #[test]
    fn every_problem_the_app_words_itself_is_in_both_languages() {
        let mut disabled = org(1, "Disabled", 300);
        disabled.enabled = false;
        let mut off = org(2, "Off", 300);
        off.billing_sync.id = Some(Uuid::from_u128(9));
        let mut soon = org(6, "Soon", 0);
        soon.expiration = Some(now() + Duration::days(12) + Duration::hours(1));
        let mut server = ServerFacts {
            license_installations: vec![(Uuid::from_u128(3), Uuid::from_u128(99))],
            ..server(vec![
                disabled,
                off,
                org(3, "Elsewhere", 300),
                org(4, "Expired", -70),
                org(5, "Grace", -10),
                soon,
            ])
        };
        server.cloud_communication = false;
        let mut facts = facts(instance("a", "Office"), Ok(server));
        facts.installation = Some(Ok(InstallationFacts {
            installation_id: Some(Uuid::from_u128(7)),
            findings: Vec::new(),
        }));
        let rows = rows(&[facts], now());
        let mut seen = std::collections::BTreeSet::new();
        for problem in rows.iter().flat_map(|r| &r.problems) {
            seen.insert(problem.code.as_str());
            let words = problem.words.as_ref().expect("worded");
            assert_eq!(say_all(&words.message, "en"), problem.message);
            assert_eq!(say_all(&words.advice, "en"), problem.advice);
            for phrase in words.message.iter().chain(&words.advice) {
                let chinese = phrase.say("zh-CN");
                assert_ne!(chinese, phrase.key, "{} has no text", phrase.key);
                assert!(!chinese.contains('{'), "{chinese}");
                assert!(!chinese.is_ascii(), "{chinese}");
            }
        }
        let expected = [
            "billing_sync_disabled",
            "billing_sync_not_set_up",
            "cloud_communication_off",
            "license_expired",
            "license_expiring",
            "license_in_grace_period",
            "license_wrong_installation",
            "organization_disabled",
        ];
        assert_eq!(seen.into_iter().collect::<Vec<_>>(), expected);
    }

    #[test]
    fn installation_findings_show_on_a_server_without_organizations() {
        let mut facts = facts(instance("a", "Office"), Ok(server(Vec::new())));
        facts.installation = Some(Ok(InstallationFacts {
            installation_id: None,
            findings: vec![
                (
                    FindingCode::InstallationIdMissing,
                    Problem::new(
                        "installation_id_missing",
                        "No installation ID.",
                        "Run the installer.",
                    ),
                ),
                // The server answered and reports cloud communication itself.
                (
                    FindingCode::CloudCommunicationOff,
                    Problem::new("cloud_communication_off", "Off.", "Turn it on."),
                ),
            ],
        }));
        let rows = rows(&[facts], now());
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].kind, RowKind::Instance);
        assert_eq!(codes(&rows[0]), ["installation_id_missing"]);
        assert_eq!(rows[0].status, Status::Warning);
    }

    #[test]
    fn an_installation_finding_keeps_its_words_for_the_window() {
        let key = "globalSettings__installation__id";
        let finding = Problem::said(
            "installation_id_missing",
            Phrase::new("installation.finding.installation_id_missing")
                .with("key", key)
                .with("path", "/opt/bitwarden/bwdata/env/global.override.env"),
            vec![
                Phrase::new("installation.finding.installation_id_missing.advice").with("key", key),
            ],
        );
        let mut facts = facts(instance("a", "Office"), Ok(server(Vec::new())));
        facts.installation = Some(Ok(InstallationFacts {
            installation_id: None,
            findings: vec![(FindingCode::InstallationIdMissing, finding.clone())],
        }));
        let rows = rows(&[facts], now());
        let shown = &rows[0].problems[0];
        assert_eq!(shown.message, finding.message);
        assert_eq!(shown.words, finding.words);
    }

    #[test]
    fn a_premium_account_gets_its_own_row() {
        let mut server = server(Vec::new());
        server.premium = Some(PremiumFacts {
            expires: Some(now() + Duration::days(5) + Duration::hours(1)),
        });
        let rows = rows(&[facts(instance("a", "Office"), Ok(server))], now());
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].kind, RowKind::Premium);
        assert_eq!(rows[0].name, "owner@example.com");
        assert_eq!(codes(&rows[0]), ["license_expiring"]);
    }
}
