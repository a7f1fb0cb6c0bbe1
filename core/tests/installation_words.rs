//! Every reason an installation cannot be read and every finding in its settings is worded
//! by the app's catalogs: each phrase has both languages with every value filled, and in
//! English it reads exactly as the CLI prints it (an error's `Display` and advice, a
//! finding's message and advice), so the window and the CLI say the same thing.

mod catalog_support;
use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use catalog_support::{catalogs, problem_faults};
use companion_core::error::{Explain, Problem};
use companion_core::installation::{
    self, CloudCheck, Finding, InstallationError, Region, RegionAnswer, RegionCheck, Source,
    SshTarget,
};
use companion_core::messages::{say_all, CATALOGS};
use uuid::Uuid;

const CLOUD_ON: &str = "globalSettings__enableCloudCommunication=true\n";
const REGION_US: &str = "globalSettings__baseServiceUri__cloudRegion=US\n";
const REGION_EU: &str = "globalSettings__baseServiceUri__cloudRegion=EU\n";
const LITE_URIS: &str = "globalSettings__installation__apiUri=https://api.bitwarden.eu\n\
                         globalSettings__installation__identityUri=https://identity.bitwarden.eu\n";

/// The English catalog's keys that start with `prefix`.
fn catalog_keys(prefix: &str) -> BTreeSet<String> {
    let [(_, english), _] = CATALOGS;
    let table: HashMap<String, String> = serde_json::from_str(english).unwrap();
    table
        .into_keys()
        .filter(|k| k.starts_with(prefix))
        .collect()
}

fn keys_of(problem: &Problem) -> Vec<String> {
    let words = problem.words.as_ref().expect("worded");
    words
        .message
        .iter()
        .chain(&words.advice)
        .map(|phrase| phrase.key.clone())
        .collect()
}

/// One of each reason an installation cannot be read or changed, and each way a text is no
/// SSH target.
fn every_installation_error() -> Vec<InstallationError> {
    use InstallationError::*;
    let path = || "/opt/bitwarden/bwdata/env/global.override.env".to_owned();
    let host = || "admin@vault.example.org".to_owned();
    let mut errors = vec![
        NotFound { path: path() },
        NotAnInstallation {
            path: "/opt/bitwarden".into(),
        },
        NoneDiscovered {
            searched: "/opt/bitwarden/bwdata, /root/bwdata".into(),
        },
        PermissionDenied { path: path() },
        ReadFailed {
            path: path(),
            reason: "Input/output error (os error 5)".into(),
        },
        NotText { path: path() },
        TooLarge {
            path: path(),
            limit: 1_048_576,
        },
        Empty { path: path() },
        SshNotInstalled,
        SshHostKeyMismatch { host: host() },
        SshHostUnknown { host: host() },
        SshAuthFailed {
            host: host(),
            detail: "admin@vault.example.org: Permission denied (publickey).".into(),
        },
        SshTimeout { host: host() },
        SshConnectFailed {
            host: host(),
            detail: "ssh: connect to host vault.example.org port 22: Connection refused".into(),
        },
        RemoteFileMissing {
            host: host(),
            path: path(),
        },
        RemotePermissionDenied {
            host: host(),
            path: path(),
        },
        SshFailed {
            host: host(),
            detail: "exit status 255, no message".into(),
        },
        ChangedUnderUs { path: path() },
        WriteFailed {
            path: path(),
            reason: "No space left on device (os error 28)".into(),
        },
    ];
    for spec in [
        "root@[::1",
        "root@]::1[",
        "root@[::1]x",
        ":/opt/bitwarden/bwdata",
        "-oProxyCommand=evil",
        "a b:/opt/bitwarden/bwdata",
    ] {
        errors.push(SshTarget::parse(spec).expect_err(spec));
    }
    errors
}

fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/installation")
        .join(relative)
}

fn findings_of(path: &Path) -> Vec<Finding> {
    installation::read(&Source::Path(path.to_path_buf()))
        .unwrap_or_else(|e| panic!("{} should read: {e}", path.display()))
        .findings
}

/// A cloud check in which the US and EU regions answered `us` and `eu`.
fn cloud(us: RegionAnswer, eu: RegionAnswer) -> CloudCheck {
    let id = Uuid::parse_str("11111111-2222-4333-8444-555555555555").unwrap();
    let check = |region: Region, answer: RegionAnswer| RegionCheck {
        region,
        url: format!("{}/installations/{id}", region.api_uri()),
        answer,
        message: String::new(),
        detail: None,
    };
    let knowing: Vec<Region> = [(Region::Us, &us), (Region::Eu, &eu)]
        .into_iter()
        .filter(|(_, a)| matches!(a, RegionAnswer::Enabled | RegionAnswer::Disabled))
        .map(|(region, _)| region)
        .collect();
    CloudCheck {
        installation_id: id,
        known_in: (knowing.len() == 1).then(|| knowing[0]),
        regions: vec![check(Region::Us, us), check(Region::Eu, eu)],
    }
}

/// Findings from every broken fixture, from the healthy files with one more mistake each
/// (for the wordings no fixture gives), and from cloud checks.
fn every_finding() -> Vec<Finding> {
    let mut found = Vec::new();
    for entry in fs::read_dir(fixture("broken")).unwrap() {
        // The fixtures that are no settings file at all are errors, worded above.
        if let Ok(read) = installation::read(&Source::Path(entry.unwrap().path())) {
            found.extend(read.findings);
        }
    }
    let healthy = fs::read_to_string(fixture("healthy.env")).unwrap();
    let lite = fs::read_to_string(fixture("lite/settings.env")).unwrap();
    let eu = healthy.replace(REGION_US, REGION_EU);
    let edited = [
        (
            "global.override.env",
            healthy.replace(CLOUD_ON, "globalSettings__enableCloudCommunication=\n"),
        ),
        (
            "global.override.env",
            format!("{healthy}globalSettings__installation__apiUri=https://api.bitwarden.eu\n"),
        ),
        (
            "global.override.env",
            format!("{eu}globalSettings__installation__apiUri=https://api.bitwarden.eu\n"),
        ),
        (
            "global.override.env",
            format!("{eu}globalSettings__installation__apiUri=https://api.bitwarden.com\n"),
        ),
        (
            "global.override.env",
            format!(
                "{eu}globalSettings__installation__identityUri=https://identity.bitwarden.com\n"
            ),
        ),
        (
            "settings.env",
            lite.replace(CLOUD_ON, "globalSettings__enableCloudCommunication=false\n"),
        ),
        ("settings.env", lite.replace(LITE_URIS, "")),
        (
            "settings.env",
            format!("{lite}globalSettings__pushRelayBaseUri=https://push.bitwarden.com\n"),
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (index, (name, text)) in edited.iter().enumerate() {
        assert_ne!(text, &healthy, "edit {index} changed nothing");
        assert_ne!(text, &lite, "edit {index} changed nothing");
        let folder = dir.path().join(index.to_string());
        fs::create_dir(&folder).unwrap();
        fs::write(folder.join(name), text).unwrap();
        found.extend(findings_of(&folder.join(name)));
    }
    // A config.yml that cannot be read: here a folder in its place.
    let bwdata = dir.path().join("bwdata");
    fs::create_dir_all(bwdata.join("env")).unwrap();
    fs::create_dir(bwdata.join("config.yml")).unwrap();
    fs::write(bwdata.join("env/global.override.env"), &healthy).unwrap();
    found.extend(findings_of(&bwdata));

    use RegionAnswer::*;
    for (check, configured) in [
        (cloud(Unknown, Enabled), Region::Us),
        (cloud(Disabled, Unknown), Region::Us),
        (cloud(Unknown, Unknown), Region::Us),
        (cloud(Problem, Problem), Region::Eu),
    ] {
        found.extend(check.findings(configured));
    }
    found
}

#[test]
fn every_reason_an_installation_cannot_be_read_is_worded_in_both_languages_and_the_same_in_english()
{
    let catalogs = catalogs();
    let mut found = Vec::new();
    for error in every_installation_error() {
        let problem = error.problem();
        found.extend(problem_faults(&problem, &catalogs));
        let words = problem.words.as_ref().unwrap();
        assert_eq!(say_all(&words.message, "en"), error.to_string());
        assert_eq!(say_all(&words.advice, "en"), error.advice());
        assert_eq!(problem.message, error.to_string());
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn every_wording_of_an_installation_error_in_the_catalog_is_one_an_error_says() {
    let said: BTreeSet<String> = every_installation_error()
        .iter()
        .flat_map(|error| keys_of(&error.problem()))
        .collect();
    assert_eq!(said, catalog_keys("installation_error."));
}

#[test]
fn an_ssh_target_is_refused_in_the_words_of_its_fault() {
    let error = SshTarget::parse("root@[::1").unwrap_err();
    assert_eq!(
        error.to_string(),
        "\"root@[::1\" is not an SSH target: a '[' without its ']'"
    );
    let words = error.words().unwrap();
    assert_eq!(
        say_all(&words.message, "zh-CN"),
        "“root@[::1”不是 SSH 目标：有 '[' 但没有对应的 ']'。"
    );
}

#[test]
fn every_finding_is_worded_in_both_languages_and_the_same_in_english() {
    let catalogs = catalogs();
    let mut found = Vec::new();
    for finding in every_finding() {
        let problem = finding.problem();
        found.extend(problem_faults(&problem, &catalogs));
        assert_eq!(say_all(&finding.words.message, "en"), finding.message);
        assert_eq!(say_all(&finding.words.advice, "en"), finding.advice);
        assert_eq!(
            (problem.message.as_str(), problem.advice.as_str()),
            (finding.message.as_str(), finding.advice.as_str())
        );
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn every_wording_of_a_finding_in_the_catalog_is_one_a_finding_says() {
    let said: BTreeSet<String> = every_finding()
        .iter()
        .flat_map(|finding| keys_of(&finding.problem()))
        .collect();
    assert_eq!(said, catalog_keys("installation.finding."));
}

#[test]
fn a_finding_is_sent_with_its_words_in_the_shape_of_a_problems() {
    for finding in every_finding() {
        let sent = serde_json::to_value(&finding).unwrap();
        let problem = serde_json::to_value(finding.problem()).unwrap();
        assert_eq!(sent["words"], problem["words"], "{}", finding.code.as_str());
        assert!(sent["words"]["message"][0]["key"].is_string(), "{sent}");
    }
}

#[test]
fn no_finding_carries_a_value_of_the_file_in_any_language() {
    for finding in every_finding() {
        let sent = serde_json::to_string(&finding).unwrap();
        let chinese =
            say_all(&finding.words.message, "zh-CN") + &say_all(&finding.words.advice, "zh-CN");
        for shown in [&sent, &chinese] {
            assert!(!shown.contains("FAKE"), "{shown}");
        }
    }
}

#[test]
fn a_finding_reads_in_chinese_with_its_keys_and_lines() {
    let found = findings_of(&fixture("broken/duplicate_id.env"));
    let words = &found[0].words;
    let path = fixture("broken/duplicate_id.env").display().to_string();
    assert_eq!(
        say_all(&words.message, "zh-CN"),
        format!(
            "{path} 的第 9 行和第 24 行都设置了 globalSettings__installation__id：\
             只有第 9 行生效，第 24 行被忽略。"
        )
    );
    assert_eq!(
        say_all(&words.advice, "zh-CN"),
        "请删除第 24 行（或把它的值移到第 9 行），让所有工具读到相同的值。"
    );
}
