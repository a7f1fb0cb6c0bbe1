//! `ValidateUsersAsync` for one premium user: no file, `VerifyData` (on the token path only
//! license key, premium and e-mail; the legacy path also the dates against the run), then
//! the legacy signature. Unlike the organization job nothing catches an exception here, so
//! a file the job cannot read stops it for every user after this one.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::readback::read_back;
use super::server_view::AccountView;
use super::store::{FileKind, StoredFile};
use super::verdict::{Action, DisableReason, Finding, Prediction};
use super::{AuditInput, Subject};
use crate::license::{
    claims, inspect_parsed, InspectOptions, License, LicenseKind, TokenStatus, UserLicense,
    ValidationPath,
};

/// The signed-in account is the only user whose premium state the API shows.
const OTHER_ACCOUNTS: &str = "premium and e-mail of this account";

/// The prediction for the signed-in premium account and every stored premium file.
pub(crate) fn predict_all(input: &AuditInput, run: DateTime<Utc>) -> Vec<Subject> {
    let account = input.view.map(|v| &v.account);
    let mut ids: Vec<Uuid> = account
        .filter(|a| a.premium)
        .map(|a| a.id)
        .into_iter()
        .collect();
    for file in input
        .store
        .files
        .iter()
        .filter(|f| f.kind == FileKind::User)
    {
        if !ids.contains(&file.id) {
            ids.push(file.id);
        }
    }
    ids.into_iter()
        .map(|id| {
            let known = account.filter(|a| a.id == id);
            let file = input.store.file(FileKind::User, id);
            Subject {
                id,
                name: known.map(|a| a.email.clone()),
                file: file.map(|f| f.path.clone()),
                next_run: run,
                prediction: predict(input, id, known, file, run),
            }
        })
        .collect()
}

fn predict(
    input: &AuditInput,
    id: Uuid,
    account: Option<&AccountView>,
    file: Option<&StoredFile>,
    run: DateTime<Utc>,
) -> Prediction {
    if account.is_some_and(|a| !a.premium) {
        return Prediction::skipped();
    }
    let Some(file) = file else {
        let path = format!("{}/user/{}.json", input.store.folder, id.hyphenated());
        return Prediction::disabled(
            DisableReason::NoLicenseFile,
            vec![Finding::FileMissing { path }],
            Action::UploadPremiumLicense,
        );
    };
    let Some(bytes) = file.bytes.as_deref() else {
        return Prediction::unknown(Finding::FileNotReadable {
            path: file.path.clone(),
        });
    };
    let parsed = match read_back(bytes) {
        Ok(parsed) => parsed,
        Err(finding) => return Prediction::job_fails(finding, Action::UploadPremiumLicense),
    };
    let wrong_kind = || {
        Prediction::disabled(
            DisableReason::InvalidData,
            vec![Finding::WrongKind],
            Action::UploadPremiumLicense,
        )
    };
    let License::User(json) = &parsed.license else {
        return wrong_kind();
    };
    let mut options = InspectOptions::new(run, input.trust.clone());
    options.expected_kind = Some(LicenseKind::User);
    let inspection = inspect_parsed(&parsed, &options);
    let mut findings = Vec::new();
    let effective: UserLicense = match inspection.path {
        ValidationPath::Claims => {
            let report = &inspection.token.report;
            let Some(claims) = report
                .claims
                .as_ref()
                .filter(|_| report.status == TokenStatus::Valid)
            else {
                return Prediction::job_fails(
                    Finding::TokenRejected {
                        status: report.status.as_str().to_owned(),
                        detail: report.message.clone(),
                        expires: report.expires,
                    },
                    Action::UploadPremiumLicense,
                );
            };
            let License::User(l) = claims::apply(&parsed.license, claims).0 else {
                return wrong_kind();
            };
            l
        }
        ValidationPath::Legacy => {
            let issued = json.issued.to_utc();
            if issued > run {
                findings.push(Finding::NotIssuedYet { issued });
            }
            let expires = json.expires.map(|e| e.to_utc());
            if expires.is_some_and(|e| e < run) {
                findings.push(Finding::Expired { expires });
            }
            if findings.is_empty() && json.version != 1 {
                return Prediction::job_fails(
                    Finding::VersionUnsupported {
                        version: json.version,
                    },
                    Action::UploadPremiumLicense,
                );
            }
            json.clone()
        }
    };
    let mut not_compared = Vec::new();
    match account {
        Some(account) => {
            if !effective.premium {
                findings.push(Finding::FieldDiffers {
                    field: "Premium",
                    file: "false".into(),
                    server: "true".into(),
                });
            }
            let email = effective.email.clone().unwrap_or_default();
            if email.to_lowercase() != account.email.to_lowercase() {
                findings.push(Finding::FieldDiffers {
                    field: "Email",
                    file: email,
                    server: account.email.clone(),
                });
            }
        }
        None => not_compared.push(OTHER_ACCOUNTS),
    }
    if !findings.is_empty() {
        let action = if findings
            .iter()
            .any(|f| matches!(f, Finding::Expired { .. }))
        {
            Action::Renew
        } else {
            Action::UploadPremiumLicense
        };
        return Prediction::disabled(DisableReason::InvalidData, findings, action);
    }
    if inspection.path == ValidationPath::Legacy {
        if let Some(verdict) =
            Prediction::of_signature(inspection.signature.status, Action::UploadPremiumLicense)
        {
            return verdict;
        }
    }
    Prediction::stays(not_compared)
}
