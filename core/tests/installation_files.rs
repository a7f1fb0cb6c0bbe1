//! Reading installations from files shaped like Bitwarden's installer and Bitwarden Lite
//! write them, and from broken copies: every mistake is a coded finding or error.

use std::path::{Path, PathBuf};

use companion_core::error::Explain;
use companion_core::installation::{
    self, Installation, InstallationError, Layout, Origin, Region, Source,
};
use uuid::Uuid;

const STANDARD_ID: &str = "11111111-2222-4333-8444-555555555555";
const STANDARD_KEY: &str = "FAKE-installation-key-do-not-print";
const LITE_KEY: &str = "FAKE-lite-installation-key-do-not-print";

fn data(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/installation")
        .join(relative)
}

fn read(relative: &str) -> Installation {
    installation::read(&Source::Path(data(relative)))
        .unwrap_or_else(|e| panic!("{relative} should read: {} ({e})", e.code()))
}

fn read_error(path: &Path) -> InstallationError {
    match installation::read(&Source::Path(path.to_path_buf())) {
        Ok(found) => panic!("{} should not read, got {found:?}", path.display()),
        Err(e) => e,
    }
}

fn codes(found: &Installation) -> Vec<&'static str> {
    let mut codes: Vec<&str> = found.findings.iter().map(|f| f.code.as_str()).collect();
    codes.sort_unstable();
    codes
}

fn line_of(origin: &Origin) -> Option<usize> {
    match origin {
        Origin::Line { line, .. } => Some(*line),
        Origin::Default => None,
    }
}

#[test]
fn installer_output_gives_id_key_region_and_the_server_defaults() {
    let found = read("standard/bwdata");
    assert_eq!(
        found.installation_id,
        Some(Uuid::parse_str(STANDARD_ID).unwrap())
    );
    assert!(found.installation_key_present());
    assert_eq!(found.region, Region::Us);
    assert_eq!(found.layout, Layout::Standard);
    assert_eq!(
        found.vault_url.as_deref(),
        Some("https://vault.example.test")
    );
    assert_eq!(found.api_uri, "https://api.bitwarden.com");
    assert_eq!(found.identity_uri, "https://identity.bitwarden.com");
    assert!(!found.cloud_communication);
    assert!(found.env_file.ends_with("bwdata/env/global.override.env"));
    assert_eq!(line_of(&found.origins.installation_id), Some(9));
    assert_eq!(line_of(&found.origins.installation_key), Some(10));
    assert_eq!(line_of(&found.origins.region), Some(2));
    assert_eq!(line_of(&found.origins.vault_url), Some(1));
    assert_eq!(found.origins.api_uri, Origin::Default);
    assert_eq!(found.origins.cloud_communication, Origin::Default);
    assert_eq!(codes(&found), vec!["cloud_communication_off"]);
    let off = &found.findings[0];
    assert!(
        off.message
            .contains("Billing sync and Families sponsorship sync"),
        "{}",
        off.message
    );
    assert!(
        off.advice
            .contains("globalSettings__enableCloudCommunication=true"),
        "{}",
        off.advice
    );
}

#[test]
fn crlf_and_bom_copy_reads_exactly_like_the_original() {
    let original = read("standard/bwdata/env/global.override.env");
    let windows = read("crlf-bom/global.override.env");
    assert_eq!(windows.installation_id, original.installation_id);
    assert_eq!(
        windows.installation_key_present(),
        original.installation_key_present()
    );
    assert_eq!(windows.region, original.region);
    assert_eq!(windows.vault_url, original.vault_url);
    assert_eq!(codes(&windows), codes(&original));
    assert_eq!(line_of(&windows.origins.installation_id), Some(9));
}

#[test]
fn the_folder_above_bwdata_and_the_env_file_itself_are_accepted() {
    for path in [
        "standard",
        "standard/bwdata",
        "standard/bwdata/env/global.override.env",
    ] {
        let found = read(path);
        assert_eq!(
            found.installation_id,
            Some(Uuid::parse_str(STANDARD_ID).unwrap()),
            "{path}"
        );
        assert!(found.env_file.ends_with("global.override.env"), "{path}");
    }
}

#[test]
fn lite_settings_env_maps_bw_keys_and_its_global_settings() {
    for path in ["lite", "lite/settings.env"] {
        let found = read(path);
        assert_eq!(found.layout, Layout::Lite);
        assert_eq!(
            found.installation_id,
            Some(Uuid::parse_str("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee").unwrap())
        );
        assert!(found.installation_key_present());
        assert_eq!(found.region, Region::Eu);
        assert!(found.cloud_communication);
        assert_eq!(found.api_uri, "https://api.bitwarden.eu");
        assert_eq!(found.identity_uri, "https://identity.bitwarden.eu");
        assert_eq!(
            found.vault_url.as_deref(),
            Some("https://lite.example.test")
        );
        assert_eq!(
            line_of(&found.origins.vault_url),
            Some(6),
            "vault URL comes from BW_DOMAIN"
        );
        assert_eq!(line_of(&found.origins.installation_id), Some(15));
        assert!(found.findings.is_empty(), "{:?}", found.findings);
    }
}

#[test]
fn a_healthy_installation_has_no_findings() {
    let found = read("healthy.env");
    assert!(found.cloud_communication);
    assert!(found.findings.is_empty(), "{:?}", found.findings);
}

#[test]
fn every_broken_variant_gives_its_own_coded_finding() {
    let cases: &[(&str, &[&str])] = &[
        (
            "cloud_communication_absent.env",
            &["cloud_communication_off"],
        ),
        (
            "cloud_communication_false.env",
            &["cloud_communication_off"],
        ),
        (
            "cloud_communication_commented.env",
            &["cloud_communication_off"],
        ),
        (
            "cloud_communication_yes.env",
            &["cloud_communication_invalid"],
        ),
        ("eu_region_default_uris.env", &["region_uri_mismatch"]),
        ("us_region_eu_uris.env", &["region_uri_mismatch"]),
        ("eu_push_relay_us.env", &["push_relay_wrong_region"]),
        ("region_unknown.env", &["region_unknown"]),
        ("region_replace.env", &["placeholder_value"]),
        ("id_missing.env", &["installation_id_missing"]),
        ("id_empty.env", &["installation_id_missing"]),
        ("id_not_guid.env", &["installation_id_invalid"]),
        ("id_replace.env", &["placeholder_value"]),
        ("id_all_zeros.env", &["placeholder_value"]),
        ("key_missing.env", &["installation_key_missing"]),
        ("key_replace.env", &["placeholder_value"]),
        ("duplicate_id.env", &["duplicate_key"]),
        ("api_uri_replace.env", &["placeholder_value"]),
        ("api_uri_invalid.env", &["installation_uri_invalid"]),
        ("line_without_equals.env", &["unparseable_line"]),
        ("spaces_around_equals.env", &["unparseable_line"]),
        ("empty_key.env", &["unparseable_line"]),
        ("unbalanced_quote.env", &["unbalanced_quote"]),
        ("vault_url_missing.env", &["vault_url_missing"]),
        ("vault-mismatch/bwdata", &["vault_url_mismatch"]),
        (
            "lite_example_values.env",
            &["placeholder_value", "placeholder_value"],
        ),
        ("lite_no_domain.env", &["vault_url_missing"]),
    ];
    for (file, expected) in cases {
        let found = read(&format!("broken/{file}"));
        assert_eq!(codes(&found), *expected, "{file}: {:?}", found.findings);
        for finding in &found.findings {
            assert!(
                !finding.message.is_empty() && !finding.advice.is_empty(),
                "{file}"
            );
        }
    }
}

#[test]
fn placeholder_and_invalid_ids_are_not_reported_as_ids() {
    for file in [
        "id_replace.env",
        "id_all_zeros.env",
        "id_not_guid.env",
        "id_empty.env",
    ] {
        assert_eq!(
            read(&format!("broken/{file}")).installation_id,
            None,
            "{file}"
        );
    }
    let example = read("broken/lite_example_values.env");
    assert!(
        !example.installation_key_present(),
        "Lite's example key is not a key"
    );
}

#[test]
fn duplicate_keys_keep_the_first_line_and_name_the_ignored_one() {
    let found = read("broken/duplicate_id.env");
    assert_eq!(
        found.installation_id,
        Some(Uuid::parse_str(STANDARD_ID).unwrap())
    );
    let message = &found.findings[0].message;
    assert!(
        message.contains("line 9") && message.contains("line 24 is ignored"),
        "{message}"
    );
}

#[test]
fn findings_point_at_the_line_to_fix() {
    let commented = read("broken/cloud_communication_commented.env");
    assert!(
        commented.findings[0]
            .message
            .contains("commented out on line 23"),
        "{:?}",
        commented.findings
    );
    let junk = read("broken/line_without_equals.env");
    assert!(
        junk.findings[0].message.contains("Line 6"),
        "{:?}",
        junk.findings
    );
    let eu = read("broken/eu_region_default_uris.env");
    assert!(
        eu.findings[0].message.contains("The region is EU"),
        "{:?}",
        eu.findings
    );
    assert!(
        eu.findings[0].advice.contains("https://api.bitwarden.eu"),
        "{:?}",
        eu.findings
    );
    let mismatch = read("broken/vault-mismatch/bwdata");
    assert!(
        mismatch.findings[0].message.contains("config.yml"),
        "{:?}",
        mismatch.findings
    );
}

#[test]
fn vault_url_falls_back_to_config_yml() {
    let dir = tempfile::tempdir().unwrap();
    let env_dir = dir.path().join("bwdata/env");
    std::fs::create_dir_all(&env_dir).unwrap();
    std::fs::copy(
        data("broken/vault_url_missing.env"),
        env_dir.join("global.override.env"),
    )
    .unwrap();
    std::fs::copy(
        data("standard/bwdata/config.yml"),
        dir.path().join("bwdata/config.yml"),
    )
    .unwrap();
    let found = installation::read(&Source::Path(dir.path().join("bwdata"))).unwrap();
    assert_eq!(
        found.vault_url.as_deref(),
        Some("https://vault.example.test")
    );
    match &found.origins.vault_url {
        Origin::Line { file, line } => {
            assert!(file.ends_with("config.yml") && *line == 2, "{file}:{line}")
        }
        Origin::Default => panic!("vault URL should come from config.yml"),
    }
    assert!(found.findings.is_empty(), "{:?}", found.findings);
}

#[test]
fn unreadable_inputs_are_coded_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge.env");
    std::fs::write(&huge, "A=".to_owned() + &"x".repeat(2 * 1024 * 1024)).unwrap();
    let cases = [
        (data("broken/empty.env"), "env_file_empty"),
        (data("broken/only_comments.env"), "env_file_empty"),
        (data("broken/binary.env"), "env_file_not_text"),
        (huge, "env_file_too_large"),
        (data("broken/no-such-folder"), "installation_not_found"),
        (data("broken"), "not_an_installation"),
    ];
    for (path, code) in cases {
        let error = read_error(&path);
        assert_eq!(error.code(), code, "{}", path.display());
        assert!(!error.advice().is_empty());
        assert!(
            error.to_string().contains(&*path.display().to_string()),
            "{error}"
        );
    }
}

#[test]
fn the_installation_key_never_shows_in_debug_json_or_findings() {
    for (path, key) in [
        ("standard/bwdata", STANDARD_KEY),
        ("crlf-bom/global.override.env", STANDARD_KEY),
        ("lite", LITE_KEY),
        ("broken/duplicate_id.env", STANDARD_KEY),
        ("broken/unbalanced_quote.env", STANDARD_KEY),
    ] {
        let found = read(path);
        assert!(found.installation_key_present());
        let debug = format!("{found:?} {found:#?}");
        let json = serde_json::to_string(&found).unwrap();
        assert!(!debug.contains(key), "{path}: key in Debug output");
        assert!(!json.contains(key), "{path}: key in JSON");
        assert!(
            !debug.contains("FAKE-db"),
            "{path}: database password in Debug output"
        );
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["installation_key_present"], true);
        assert!(value.get("installation_key").is_none());
    }
}

#[test]
fn json_view_has_the_public_field_names() {
    let value = serde_json::to_value(read("standard/bwdata")).unwrap();
    for field in [
        "installation_id",
        "installation_key_present",
        "region",
        "cloud_communication",
        "vault_url",
        "api_uri",
        "identity_uri",
        "layout",
        "source",
        "findings",
    ] {
        assert!(value.get(field).is_some(), "missing {field}");
    }
    assert_eq!(value["installation_id"], STANDARD_ID);
    assert_eq!(value["region"], "US");
    assert_eq!(value["layout"], "standard");
    assert_eq!(value["origins"]["api_uri"], "default");
    assert_eq!(value["origins"]["installation_id"]["line"], 9);
    assert_eq!(value["findings"][0]["code"], "cloud_communication_off");
}
