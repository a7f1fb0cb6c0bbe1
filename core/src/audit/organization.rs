//! `ValidateOrganizationsAsync`, step by step, for one enabled organization: no file, the
//! same license key on several enabled organizations, `VerifyData` (dates against the run,
//! installation ID, and every plan value against the organization), then the legacy
//! signature when there is no token. Reading, signature and token verification are the
//! license module's; only the job's order and comparisons live here.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::readback::read_back;
use super::server_view::OrganizationView;
use super::store::{FileKind, LicenseStore, StoredFile};
use super::verdict::{Action, DisableReason, Finding, Prediction};
use super::{AuditInput, Subject};
use crate::license::{
    claims, inspect_parsed, InspectOptions, License, LicenseKind, OrganizationLicense, TokenStatus,
    ValidationPath,
};

/// Values that are part of the job's comparison but not of the self-hosted API's answers.
const PLAN_NOT_SEEN: &str = "plan";

/// `(C# name, version it joined the legacy comparison, compared on the token path)`.
const SWITCHES: &[(&str, i32, bool)] = &[
    ("UseGroups", 1, true),
    ("UseDirectory", 1, true),
    ("UseTotp", 1, true),
    ("UsersGetPremium", 2, true),
    ("UseEvents", 3, true),
    ("Use2fa", 4, true),
    ("UseApi", 5, true),
    ("UsePolicies", 6, true),
    ("UseSso", 7, true),
    ("UseResetPassword", 8, true),
    ("UseKeyConnector", 9, true),
    ("UseScim", 10, true),
    ("UseCustomPermissions", 11, true),
    ("UseSecretsManager", 13, true),
    ("UsePasswordManager", 13, true),
    ("UseAdminSponsoredFamilies", i32::MAX, true),
    ("UseOrganizationDomains", i32::MAX, true),
    ("UseAutomaticUserConfirmation", i32::MAX, true),
    ("UseDisableSmAdsForUsers", i32::MAX, true),
    ("UseMyItems", i32::MAX, true),
];

/// `PlanType.FamiliesAnnually` and `FamiliesAnnually2025`: a Families license matches either.
const FAMILIES: u8 = 22;
const FAMILIES_2025: i64 = 7;

/// The prediction for every organization the server or the folder knows.
pub(crate) fn predict_all(input: &AuditInput, run: DateTime<Utc>) -> Vec<Subject> {
    let mut ids: Vec<Uuid> = input
        .view
        .map(|v| v.organizations.iter().map(|o| o.id).collect())
        .unwrap_or_default();
    for file in input
        .store
        .files
        .iter()
        .filter(|f| f.kind == FileKind::Organization)
    {
        if !ids.contains(&file.id) {
            ids.push(file.id);
        }
    }
    ids.into_iter()
        .map(|id| {
            let view = input.view.and_then(|v| v.organization(id));
            let file = input.store.file(FileKind::Organization, id);
            Subject {
                id,
                name: view.map(|v| v.name.clone()).or_else(|| file_name(file)),
                file: file.map(|f| f.path.clone()),
                next_run: run,
                prediction: predict(input, id, view, file, run),
            }
        })
        .collect()
}

fn file_name(file: Option<&StoredFile>) -> Option<String> {
    let parsed = read_back(file?.bytes.as_deref()?).ok()?;
    match parsed.license {
        License::Organization(l) => l.name,
        License::User(_) => None,
    }
}

fn predict(
    input: &AuditInput,
    id: Uuid,
    view: Option<&OrganizationView>,
    file: Option<&StoredFile>,
    run: DateTime<Utc>,
) -> Prediction {
    if view.is_some_and(|v| !v.enabled) {
        return Prediction::skipped();
    }
    let for_installation = Action::UploadLicenseForInstallation {
        installation_id: input.installation_id,
    };
    let Some(file) = file else {
        let path = format!(
            "{}/organization/{}.json",
            input.store.folder,
            id.hyphenated()
        );
        return Prediction::disabled(
            DisableReason::NoLicenseFile,
            vec![Finding::FileMissing { path }],
            for_installation,
        );
    };
    let Some(bytes) = file.bytes.as_deref() else {
        return Prediction::unknown(Finding::FileNotReadable {
            path: file.path.clone(),
        });
    };
    let parsed = match read_back(bytes) {
        Ok(parsed) => parsed,
        Err(finding) => return Prediction::job_fails(finding, Action::Reupload),
    };
    let License::Organization(json) = &parsed.license else {
        return Prediction::disabled(
            DisableReason::InvalidData,
            vec![Finding::WrongKind],
            for_installation,
        );
    };

    let sharing = sharing_key(input.store, id, json.license_key.as_deref(), input);
    if !sharing.is_empty() {
        return Prediction::disabled(
            DisableReason::MultipleOrganizations,
            vec![Finding::LicenseKeyShared {
                organizations: sharing.clone(),
            }],
            Action::ResolveDuplicate {
                organizations: sharing,
            },
        );
    }

    let mut options = InspectOptions::new(run, input.trust.clone());
    options.expected_kind = Some(LicenseKind::Organization);
    let inspection = inspect_parsed(&parsed, &options);
    let (effective, path) = match inspection.path {
        ValidationPath::Claims => {
            let report = &inspection.token.report;
            let claims = match (&report.claims, report.status) {
                (Some(claims), TokenStatus::Valid) => claims,
                _ => {
                    let action = if report.status == TokenStatus::Expired {
                        Action::Renew
                    } else {
                        Action::Reupload
                    };
                    return Prediction::job_fails(
                        Finding::TokenRejected {
                            status: report.status.as_str().to_owned(),
                            detail: report.message.clone(),
                            expires: report.expires,
                        },
                        action,
                    );
                }
            };
            let License::Organization(l) = claims::apply(&parsed.license, claims).0 else {
                return Prediction::disabled(
                    DisableReason::InvalidData,
                    vec![Finding::WrongKind],
                    for_installation,
                );
            };
            (l, ValidationPath::Claims)
        }
        ValidationPath::Legacy => (json.clone(), ValidationPath::Legacy),
    };

    let mut findings = dates(&effective, path, run);
    if findings.is_empty() && path == ValidationPath::Legacy && !(1..=16).contains(&json.version) {
        return Prediction::job_fails(
            Finding::VersionUnsupported {
                version: json.version,
            },
            Action::Reupload,
        );
    }
    if let Some(server) = input.installation_id {
        if effective.installation_id != server {
            findings.push(Finding::InstallationMismatch {
                file: effective.installation_id,
                server,
            });
        }
    }
    let mut not_compared = Vec::new();
    match view.filter(|v| v.owned) {
        Some(view) => findings.extend(compare(&effective, view, path)),
        None => not_compared.push(PLAN_NOT_SEEN),
    }
    if !findings.is_empty() {
        let action = findings
            .iter()
            .find_map(|f| match f {
                Finding::InstallationMismatch { server, .. } => {
                    Some(Action::UploadLicenseForInstallation {
                        installation_id: Some(*server),
                    })
                }
                Finding::Expired { .. } => Some(Action::Renew),
                _ => None,
            })
            .unwrap_or(Action::Reupload);
        return Prediction::disabled(DisableReason::InvalidData, findings, action);
    }

    if path == ValidationPath::Legacy {
        if let Some(verdict) =
            Prediction::of_signature(inspection.signature.status, Action::Reupload)
        {
            return verdict;
        }
    }
    Prediction::stays(not_compared)
}

/// The other enabled organizations whose stored license carries the same key (the server
/// compares its database's keys, which uploads set from these files).
fn sharing_key(store: &LicenseStore, id: Uuid, key: Option<&str>, input: &AuditInput) -> Vec<Uuid> {
    let Some(key) = key else {
        return Vec::new();
    };
    store
        .files
        .iter()
        .filter(|f| f.kind == FileKind::Organization && f.id != id)
        .filter(|f| {
            input
                .view
                .and_then(|v| v.organization(f.id))
                .is_none_or(|o| o.enabled)
        })
        .filter(|f| {
            let other = f.bytes.as_deref().and_then(|b| read_back(b).ok());
            matches!(other.map(|p| p.license), Some(License::Organization(l)) if l.license_key.as_deref() == Some(key))
        })
        .map(|f| f.id)
        .collect()
}

/// `issued <= now && expires >= now` at the run (a missing `Expires` claim reads as
/// `DateTime.MinValue`; a missing legacy `Expires` never expires).
fn dates(l: &OrganizationLicense, path: ValidationPath, run: DateTime<Utc>) -> Vec<Finding> {
    let mut out = Vec::new();
    let issued = l.issued.to_utc();
    if issued > run {
        out.push(Finding::NotIssuedYet { issued });
    }
    let expires = l.expires.map(|e| e.to_utc());
    let expired = match (expires, path) {
        (Some(e), _) => e < run,
        (None, ValidationPath::Claims) => true,
        (None, ValidationPath::Legacy) => false,
    };
    if expired {
        out.push(Finding::Expired { expires });
    }
    out
}

/// The plan values `VerifyData` compares with the organization.
fn compare(l: &OrganizationLicense, org: &OrganizationView, path: ValidationPath) -> Vec<Finding> {
    let claims = path == ValidationPath::Claims;
    let since = |version: i32| claims || l.version >= version;
    let mut out = Vec::new();
    let mut differ = |field: &'static str, file: String, server: String| {
        if file != server {
            out.push(Finding::FieldDiffers {
                field,
                file,
                server,
            });
        }
    };
    let text = |v: Option<i64>| v.map_or("none".to_owned(), |n| n.to_string());
    differ("Name", l.name.clone().unwrap_or_default(), org.name.clone());
    differ("Enabled", l.enabled.to_string(), org.enabled.to_string());
    let plan_matches = match (claims && l.plan_type.0 == FAMILIES, org.plan_type) {
        (true, Some(server)) => server == i64::from(FAMILIES) || server == FAMILIES_2025,
        (_, server) => server == Some(i64::from(l.plan_type.0)),
    };
    if !plan_matches {
        differ("PlanType", l.plan_type.0.to_string(), text(org.plan_type));
    }
    differ("Seats", text(l.seats.map(i64::from)), text(org.seats));
    differ(
        "MaxCollections",
        text(l.max_collections.map(i64::from)),
        text(org.max_collections),
    );
    if let Some(self_host) = org.self_host {
        differ("SelfHost", l.self_host.to_string(), self_host.to_string());
    }
    if since(13) {
        differ(
            "SmSeats",
            text(l.sm_seats.map(i64::from)),
            text(org.sm_seats),
        );
        differ(
            "SmServiceAccounts",
            text(l.sm_service_accounts.map(i64::from)),
            text(org.sm_service_accounts),
        );
    }
    let flags = l.flags();
    for (name, version, on_token_path) in SWITCHES {
        let compared = if claims {
            *on_token_path
        } else {
            l.version >= *version
        };
        let server = org.features.get(&api_name(name)).copied();
        let file = flags.iter().find(|(n, _)| n == name).map(|(_, on)| *on);
        if let (true, Some(server), Some(file)) = (compared, server, file) {
            differ(name, file.to_string(), server.to_string());
        }
    }
    // Version 16 requires the organization to have domain verification on.
    if !claims && l.version >= 16 && org.features.get("useOrganizationDomains") == Some(&false) {
        differ("UseOrganizationDomains", "true".into(), "false".into());
    }
    out
}

/// `UseSso` -> `useSso`, `Use2fa` -> `use2fa`: the API's name of a switch.
fn api_name(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::license::PlanType;

    fn org(plan_type: i64, features: &[(&str, bool)]) -> OrganizationView {
        OrganizationView {
            id: Uuid::nil(),
            name: "Acme".into(),
            enabled: true,
            owned: true,
            plan_type: Some(plan_type),
            seats: Some(5),
            max_collections: None,
            sm_seats: None,
            sm_service_accounts: None,
            self_host: Some(true),
            features: features
                .iter()
                .map(|(k, v)| ((*k).to_owned(), *v))
                .collect(),
        }
    }

    fn license(plan_type: u8, version: i32) -> OrganizationLicense {
        OrganizationLicense {
            name: Some("Acme".into()),
            enabled: true,
            plan_type: PlanType(plan_type),
            seats: Some(5),
            self_host: true,
            version,
            ..OrganizationLicense::default()
        }
    }

    #[test]
    fn a_families_token_matches_an_organization_on_either_families_plan() {
        let l = license(22, 15);
        assert!(compare(&l, &org(7, &[]), ValidationPath::Claims).is_empty());
        assert!(compare(&l, &org(22, &[]), ValidationPath::Claims).is_empty());
        let legacy = compare(&l, &org(7, &[]), ValidationPath::Legacy);
        assert!(matches!(
            legacy.as_slice(),
            [Finding::FieldDiffers {
                field: "PlanType",
                ..
            }]
        ));
    }

    #[test]
    fn an_old_legacy_file_is_not_compared_on_switches_it_predates() {
        let l = license(20, 6);
        let sso_on = org(20, &[("useSso", true), ("usePolicies", false)]);
        assert!(compare(&l, &sso_on, ValidationPath::Legacy).is_empty());
        let policies_on = org(20, &[("usePolicies", true)]);
        let found = compare(&l, &policies_on, ValidationPath::Legacy);
        assert!(matches!(
            found.as_slice(),
            [Finding::FieldDiffers {
                field: "UsePolicies",
                ..
            }]
        ));
    }
}
