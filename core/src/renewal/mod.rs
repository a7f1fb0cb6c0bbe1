//! Renewal without a person: each self-hosted organization (and a premium account) is kept
//! on the newest license its cloud subscription gives, Families included, which billing
//! sync cannot renew (contract §4.3: Teams and Enterprise only, and only when someone
//! presses "Sync").
//!
//! For one organization: find the cloud organization it belongs to, download that one's
//! license for the server's installation ID (contract §4.1), judge whether it is newer
//! ([`freshness`]), then apply it with the upload's own review made non-interactive: it is
//! sent only when every server check passes, it is this organization's license and nothing
//! is taken away; the license in force is archived first. Anything else stops with the
//! reason for a person to act on. A send that got no answer is never repeated: renewal
//! stops on it until the server shows it in force or a person uploads again.

mod freshness;
mod unanswered;

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::bitwarden::{
    download_organization_license, download_premium_license, find_cloud_link, owned_organizations,
    plan_upload_bytes, profile, send_upload, subscription, Archive, Belonging, BitwardenError,
    Change, Downloaded, ExitClass, LicenseOwner, Session, UploadPlan, UploadRequest, UploadTarget,
    ORGANIZATION_LICENSE_FILE, PREMIUM_LICENSE_FILE,
};
use crate::error::{Explain, Problem};
use crate::license::{inspect, ExpectedInstallation, InspectOptions, Inspection, TrustSet};
use crate::messages::text;

pub use freshness::{Freshness, Reason, Terms, TOKEN_RENEWAL_DAYS};

/// What renewal needs: both sessions, the archive, and what the license must be for.
pub struct Renewer<'a> {
    /// The self-hosted server, signed in as an owner.
    pub server: &'a Session,
    /// Bitwarden cloud, signed in as the cloud organizations' owner.
    pub cloud: &'a Session,
    pub archive: &'a Archive,
    pub trust: TrustSet,
    /// The server's installation ID; organizations are not renewed without it.
    pub installation: Option<ExpectedInstallation>,
    /// The server's bwdata folder, for the license files it keeps.
    pub bwdata: Option<PathBuf>,
    /// Judge and report, send nothing.
    pub dry_run: bool,
}

/// One organization's or the premium account's renewal.
#[derive(Debug, Clone, Serialize)]
pub struct Renewal {
    pub target: UploadTarget,
    /// The organization's name on the server, or the account's email.
    pub name: String,
    /// The cloud organization the license came from.
    pub cloud_organization: Option<Uuid>,
    #[serde(flatten)]
    pub result: RenewalResult,
}

/// What renewal did.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case", tag = "result")]
pub enum RenewalResult {
    /// The cloud has nothing newer.
    UpToDate { expires: Option<DateTime<Utc>> },
    /// A dry run: this would be applied.
    WouldRenew {
        reasons: Vec<Reason>,
        changes: Vec<Change>,
    },
    /// Applied; the license it replaced and the new one are in the archive.
    Renewed {
        reasons: Vec<Reason>,
        changes: Vec<Change>,
        archived_replaced: Option<PathBuf>,
        archived_new: PathBuf,
    },
    /// Not applied; a person has to act.
    Stopped { stop: Stop },
}

impl RenewalResult {
    /// Whether a person has to act.
    pub fn needs_a_person(&self) -> bool {
        matches!(self, RenewalResult::Stopped { .. })
    }
}

/// Why a renewal was not applied, with what a person does about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "code")]
pub enum Stop {
    InstallationUnknown,
    NoCloudLink,
    NotOwnedInCloud {
        cloud_organization: Uuid,
    },
    CloudRefused {
        message: String,
    },
    ExpiresEarlier {
        current: DateTime<Utc>,
        new: DateTime<Utc>,
    },
    WouldBeRefused {
        message: String,
    },
    AnotherOrganization,
    Downgrade {
        losses: Vec<String>,
    },
    Unanswered {
        path: PathBuf,
    },
    Refused {
        message: String,
    },
    NoAnswer {
        message: String,
    },
    Failed {
        problem: Problem,
    },
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe("en"))
    }
}

impl std::error::Error for Stop {}

impl Stop {
    /// A stable code for scripts and the page.
    pub fn code(&self) -> &'static str {
        match self {
            Stop::InstallationUnknown => "installation_unknown",
            Stop::NoCloudLink => "no_cloud_link",
            Stop::NotOwnedInCloud { .. } => "not_owned_in_cloud",
            Stop::CloudRefused { .. } => "cloud_refused",
            Stop::ExpiresEarlier { .. } => "expires_earlier",
            Stop::WouldBeRefused { .. } => "would_be_refused",
            Stop::AnotherOrganization => "another_organization",
            Stop::Downgrade { .. } => "downgrade",
            Stop::Unanswered { .. } => "unanswered",
            Stop::Refused { .. } => "refused",
            Stop::NoAnswer { .. } => "no_answer",
            Stop::Failed { .. } => "failed",
        }
    }

    /// What stopped it, in `language` (`en` or `zh-CN`), from the app's catalogs.
    pub fn describe(&self, language: &str) -> String {
        let say = |key: &str, values: &[(&str, &str)]| text(language, key, values);
        let day = |t: &DateTime<Utc>| t.format("%Y-%m-%d %H:%M:%S UTC").to_string();
        match self {
            Stop::InstallationUnknown => say("renewal.stop.installationUnknown", &[]),
            Stop::NoCloudLink => say("renewal.stop.noCloudLink", &[]),
            Stop::NotOwnedInCloud { cloud_organization } => say(
                "renewal.stop.notOwnedInCloud",
                &[("organization", &cloud_organization.to_string())],
            ),
            Stop::CloudRefused { message } => {
                say("renewal.stop.cloudRefused", &[("message", message)])
            }
            Stop::ExpiresEarlier { current, new } => say(
                "renewal.stop.expiresEarlier",
                &[("current", &day(current)), ("new", &day(new))],
            ),
            Stop::WouldBeRefused { message } => {
                say("renewal.stop.wouldBeRefused", &[("message", message)])
            }
            Stop::AnotherOrganization => say("renewal.stop.anotherOrganization", &[]),
            Stop::Downgrade { losses } => {
                let separator = say("list.separator", &[]);
                say(
                    "renewal.stop.downgrade",
                    &[("losses", &losses.join(&separator))],
                )
            }
            Stop::Unanswered { path } => say(
                "renewal.stop.unanswered",
                &[("path", &path.display().to_string())],
            ),
            Stop::Refused { message } => say("renewal.stop.refused", &[("message", message)]),
            Stop::NoAnswer { message } => say("renewal.stop.noAnswer", &[("message", message)]),
            Stop::Failed { problem } => {
                say("renewal.stop.failed", &[("message", &problem.message)])
            }
        }
    }

    /// The one thing a person does about it, in `language`.
    pub fn action(&self, language: &str) -> String {
        let key = match self {
            Stop::InstallationUnknown => "renewal.action.installationUnknown",
            Stop::NoCloudLink | Stop::AnotherOrganization => "renewal.action.uploadOnce",
            Stop::NotOwnedInCloud { .. } => "renewal.action.signInAsOwner",
            Stop::CloudRefused { .. } => "renewal.action.checkSubscription",
            Stop::ExpiresEarlier { .. } | Stop::Downgrade { .. } => "renewal.action.review",
            Stop::WouldBeRefused { .. } | Stop::Refused { .. } => "renewal.action.openChecks",
            Stop::Unanswered { .. } | Stop::NoAnswer { .. } => "renewal.action.checkServer",
            Stop::Failed { problem } => {
                return text(
                    language,
                    "renewal.action.failed",
                    &[("advice", &problem.advice)],
                )
            }
        };
        text(language, key, &[])
    }
}

impl From<BitwardenError> for Stop {
    fn from(e: BitwardenError) -> Stop {
        Stop::Failed {
            problem: e.problem(),
        }
    }
}

impl Renewer<'_> {
    /// Renews every organization the account owns on the server.
    pub async fn all_organizations(&self) -> Result<Vec<Renewal>, BitwardenError> {
        let report = owned_organizations(self.server).await?;
        if !report.takes_licenses {
            return Err(BitwardenError::NoLicensesOnVaultwarden);
        }
        let mut renewals = Vec::new();
        for org in report.organizations {
            renewals.push(self.organization(org.id, Some(org.name)).await);
        }
        Ok(renewals)
    }

    /// Renews one organization on the server.
    pub async fn organization(&self, org: Uuid, name: Option<String>) -> Renewal {
        let mut renewal = Renewal {
            target: UploadTarget::Organization(org),
            name: name.unwrap_or_else(|| org.hyphenated().to_string()),
            cloud_organization: None,
            result: RenewalResult::UpToDate { expires: None },
        };
        renewal.result = match self.renew_organization(org, &mut renewal).await {
            Ok(result) => result,
            Err(stop) => RenewalResult::Stopped { stop },
        };
        renewal
    }

    /// Renews the signed-in account's premium on the server.
    pub async fn premium(&self) -> Renewal {
        let mut renewal = Renewal {
            target: UploadTarget::Premium,
            name: String::new(),
            cloud_organization: None,
            result: RenewalResult::UpToDate { expires: None },
        };
        renewal.result = match self.renew_premium(&mut renewal).await {
            Ok(result) => result,
            Err(stop) => RenewalResult::Stopped { stop },
        };
        renewal
    }

    async fn renew_organization(
        &self,
        org: Uuid,
        renewal: &mut Renewal,
    ) -> Result<RenewalResult, Stop> {
        let server = &self.server.endpoints().server;
        let owner = LicenseOwner::Organization(org);
        let now_on_server = subscription(self.server, org).await?;
        if let Some(name) = &now_on_server.name {
            renewal.name.clone_from(name);
        }
        let options = InspectOptions::new(Utc::now(), self.trust.clone());
        if let Some(path) =
            unanswered::pending(self.archive, server, owner, Some(&now_on_server), &options)
        {
            return Err(Stop::Unanswered { path });
        }
        let installation = self.installation.clone().ok_or(Stop::InstallationUnknown)?;
        let link = find_cloud_link(self.server, self.archive, org, self.bwdata.as_deref())
            .await
            .ok_or(Stop::NoCloudLink)?;
        let cloud_org = link.cloud_organization_id;
        renewal.cloud_organization = Some(cloud_org);
        let downloaded = download_organization_license(self.cloud, cloud_org, installation.id)
            .await
            .map_err(|e| cloud_stop(e, Some(cloud_org)))?;
        // A license is judged once it has arrived: one issued a moment after the renewal
        // began is valid by then (the server allows no clock skew).
        let judged_at = Utc::now();
        let plan = self
            .plan(
                UploadTarget::Organization(org),
                ORGANIZATION_LICENSE_FILE,
                Some(installation),
                downloaded,
                judged_at,
            )
            .await?;
        let in_force = in_force_terms(&plan, &options);
        let new = Terms::of(&plan.inspection);
        let verdict =
            freshness::of_organization(&now_on_server, in_force.as_ref(), &new, judged_at);
        self.apply(plan, verdict).await
    }

    async fn renew_premium(&self, renewal: &mut Renewal) -> Result<RenewalResult, Stop> {
        let server = &self.server.endpoints().server;
        let account = profile(self.server).await?;
        renewal.name.clone_from(&account.email);
        let options = InspectOptions::new(Utc::now(), self.trust.clone());
        let owner = LicenseOwner::Premium(account.id);
        if let Some(path) = unanswered::pending(self.archive, server, owner, None, &options) {
            return Err(Stop::Unanswered { path });
        }
        let downloaded = download_premium_license(self.cloud)
            .await
            .map_err(|e| cloud_stop(e, None))?;
        let judged_at = Utc::now();
        let plan = self
            .plan(
                UploadTarget::Premium,
                PREMIUM_LICENSE_FILE,
                None,
                downloaded,
                judged_at,
            )
            .await?;
        let in_force = in_force_terms(&plan, &options);
        let new = Terms::of(&plan.inspection);
        let verdict = freshness::of_premium(account.premium, in_force.as_ref(), &new, judged_at);
        self.apply(plan, verdict).await
    }

    async fn plan(
        &self,
        target: UploadTarget,
        file_name: &str,
        installation: Option<ExpectedInstallation>,
        downloaded: Downloaded,
        now: DateTime<Utc>,
    ) -> Result<UploadPlan, Stop> {
        let request = UploadRequest {
            target,
            path: PathBuf::from(file_name),
            trust: self.trust.clone(),
            installation,
            bwdata: self.bwdata.clone(),
            now,
        };
        Ok(plan_upload_bytes(self.server, self.archive, request, downloaded.bytes).await?)
    }

    /// Sends the plan when it is newer and the review lets it go without a person.
    async fn apply(&self, plan: UploadPlan, verdict: Freshness) -> Result<RenewalResult, Stop> {
        let reasons = match verdict {
            Freshness::Same => {
                return Ok(RenewalResult::UpToDate {
                    expires: plan.inspection.dates.expires,
                })
            }
            Freshness::Earlier { current, new } => {
                return Err(Stop::ExpiresEarlier { current, new })
            }
            Freshness::Newer { reasons } => reasons,
        };
        review(&plan)?;
        let changes: Vec<Change> = plan.changes.iter().filter(|c| c.changed).cloned().collect();
        if self.dry_run {
            return Ok(RenewalResult::WouldRenew { reasons, changes });
        }
        match send_upload(self.server, self.archive, &plan, false, None).await {
            Ok(outcome) => Ok(RenewalResult::Renewed {
                reasons,
                changes,
                archived_replaced: outcome.archived_replaced,
                archived_new: outcome.archived_new,
            }),
            Err(e) if e.exit_class() == ExitClass::Unavailable => Err(Stop::NoAnswer {
                message: e.to_string(),
            }),
            Err(e @ (BitwardenError::ServerRefused { .. } | BitwardenError::NotFound { .. })) => {
                Err(Stop::Refused {
                    message: e.to_string(),
                })
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// The upload's review, with nobody to confirm: only this organization's license, only
/// what the server accepts, nothing taken away.
fn review(plan: &UploadPlan) -> Result<(), Stop> {
    match &plan.belonging {
        Some(Belonging::Another { .. }) => return Err(Stop::AnotherOrganization),
        Some(Belonging::Unknown) => return Err(Stop::NoCloudLink),
        Some(Belonging::Same { .. }) | None => {}
    }
    if plan.would_be_refused {
        return Err(Stop::WouldBeRefused {
            message: plan.inspection.server_message.clone().unwrap_or_default(),
        });
    }
    if !plan.losses.is_empty() {
        return Err(Stop::Downgrade {
            losses: plan.losses.iter().map(|l| l.describe()).collect(),
        });
    }
    Ok(())
}

/// What the license in force grants, when a copy of it is here.
fn in_force_terms(plan: &UploadPlan, options: &InspectOptions) -> Option<Terms> {
    let copy = plan.replaced.as_ref()?;
    let inspection: Inspection = inspect(copy.bytes(), options).ok()?;
    Some(Terms::of(&inspection))
}

/// A failed download as a reason to stop: 404 means the account is not an owner there.
fn cloud_stop(e: BitwardenError, cloud_organization: Option<Uuid>) -> Stop {
    match (e, cloud_organization) {
        (BitwardenError::NotFound { .. }, Some(cloud_organization)) => {
            Stop::NotOwnedInCloud { cloud_organization }
        }
        (BitwardenError::ServerRefused { message, .. }, _) => Stop::CloudRefused { message },
        (e, _) => e.into(),
    }
}
