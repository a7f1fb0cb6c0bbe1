//! Which Bitwarden cloud region knows an installation ID, the way Setup validates it at
//! install time (contract §4, §5.1): each region's answer to `GET {api}/installations/{id}`
//! (`{"enabled": bool, ...}` or 404) with Setup's own texts, so admins recognise them, and
//! what it means for the installation. The asking is
//! [`check_cloud`](crate::bitwarden::check_cloud), through the one HTTP client.

use serde::Serialize;
use uuid::Uuid;

use super::findings::{phrase, Finding, FindingCode};
use super::Region;

/// Base URLs of the two regions' cloud APIs (overridable for tests and proxies).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudEndpoints {
    pub us: String,
    pub eu: String,
}

impl Default for CloudEndpoints {
    fn default() -> Self {
        Self {
            us: Region::Us.api_uri().to_owned(),
            eu: Region::Eu.api_uri().to_owned(),
        }
    }
}

/// One region's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionAnswer {
    /// The region knows the ID and it is enabled.
    Enabled,
    /// The region knows the ID but has disabled it.
    Disabled,
    /// 404: the region does not know the ID.
    Unknown,
    /// No usable answer (network, timeout, unexpected status or body).
    Problem,
}

/// One region's answer with Setup's text for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegionCheck {
    pub region: Region,
    pub url: String,
    pub answer: RegionAnswer,
    pub message: String,
    /// What went wrong, for [`RegionAnswer::Problem`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// Both regions' answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CloudCheck {
    pub installation_id: Uuid,
    pub regions: Vec<RegionCheck>,
    /// The region that knows the ID (enabled or not), if exactly one does.
    pub known_in: Option<Region>,
}

impl CloudCheck {
    /// Both regions' answers, and the one region that knows the ID.
    pub(crate) fn of(installation_id: Uuid, us: RegionCheck, eu: RegionCheck) -> CloudCheck {
        let knowing: Vec<Region> = [&us, &eu]
            .iter()
            .filter(|c| matches!(c.answer, RegionAnswer::Enabled | RegionAnswer::Disabled))
            .map(|c| c.region)
            .collect();
        CloudCheck {
            installation_id,
            known_in: (knowing.len() == 1).then(|| knowing[0]),
            regions: vec![us, eu],
        }
    }
}

/// `GET {api}/installations/{id}` of one region.
pub(crate) fn installation_url(base: &str, id: Uuid) -> String {
    format!(
        "{}/installations/{}",
        base.trim_end_matches('/'),
        id.hyphenated()
    )
}

/// `enabled`, read case-insensitively (older servers answered PascalCase).
pub(crate) fn enabled(body: &serde_json::Value) -> Option<bool> {
    body.as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("enabled"))
        .and_then(|(_, v)| v.as_bool())
}

pub(crate) fn answer(region: Region, url: &str, answer: RegionAnswer) -> RegionCheck {
    let message = match answer {
        RegionAnswer::Enabled => {
            format!("Installation id is valid and enabled in the {region} region.")
        }
        RegionAnswer::Disabled => {
            format!("Installation id has been disabled in the {region} region.")
        }
        RegionAnswer::Unknown => format!("Invalid installation id for {region} region."),
        RegionAnswer::Problem => format!("Problem contacting Bitwarden {region} server"),
    };
    RegionCheck {
        region,
        url: url.to_owned(),
        answer,
        message,
        detail: None,
    }
}

pub(crate) fn problem(region: Region, url: &str, detail: String) -> RegionCheck {
    RegionCheck {
        detail: Some(detail),
        ..answer(region, url, RegionAnswer::Problem)
    }
}

impl CloudCheck {
    /// Findings for an installation configured for `configured`.
    pub fn findings(&self, configured: Region) -> Vec<Finding> {
        let answer_in = |region: Region| {
            self.regions
                .iter()
                .find(|c| c.region == region)
                .map(|c| c.answer.clone())
        };
        let mut findings = Vec::new();
        match self.known_in {
            Some(region) if region != configured => findings.push(Finding::new(
                FindingCode::CloudRegionMismatch,
                phrase("cloud_region_mismatch")
                    .with("region", region)
                    .with("configured", configured),
                phrase("cloud_region_mismatch.advice")
                    .with("region", region)
                    .with("apiuri", region.api_uri())
                    .with("identityuri", region.identity_uri()),
            )),
            _ => {}
        }
        if let Some(region) = self.known_in {
            if answer_in(region) == Some(RegionAnswer::Disabled) {
                findings.push(Finding::new(
                    FindingCode::InstallationDisabled,
                    phrase("installation_disabled").with("region", region),
                    phrase("installation_disabled.advice"),
                ));
            }
        }
        let all = |wanted: RegionAnswer| self.regions.iter().all(|c| c.answer == wanted);
        if all(RegionAnswer::Unknown) {
            findings.push(Finding::new(
                FindingCode::InstallationIdUnknown,
                phrase("installation_id_unknown"),
                phrase("installation_id_unknown.advice"),
            ));
        } else if all(RegionAnswer::Problem) {
            findings.push(Finding::new(
                FindingCode::CloudUnreachable,
                phrase("cloud_unreachable"),
                phrase("cloud_unreachable.advice"),
            ));
        }
        findings
    }
}
