#![cfg(unix)]
//! The safe fix (`enable-cloud-communication`) on copies of real-shaped env files: only the
//! changed lines differ, a byte-identical backup is kept, mode and owner survive, CRLF and
//! BOM survive, a concurrent edit is detected, and a second run changes nothing.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use companion_core::error::Explain;
use companion_core::installation::{self, write_fix, FixOutcome, Layout, Source};

fn data(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/installation")
        .join(relative)
}

/// A bwdata tree in a temp folder holding a copy of `fixture` as its env file (mode 600).
fn bwdata_with(fixture: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let env_dir = dir.path().join("bwdata/env");
    fs::create_dir_all(&env_dir).unwrap();
    let env = env_dir.join("global.override.env");
    fs::copy(data(fixture), &env).unwrap();
    fs::set_permissions(&env, fs::Permissions::from_mode(0o600)).unwrap();
    (dir, env)
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn no_hook() -> impl FnMut() {
    || {}
}

#[test]
fn appends_the_setting_and_keeps_every_other_byte_and_a_backup() {
    let (_dir, env) = bwdata_with("standard/bwdata/env/global.override.env");
    let original = fs::read(&env).unwrap();
    let report = write_fix(&env, &mut no_hook()).unwrap();

    let updated = fs::read(&env).unwrap();
    let mut expected = original.clone();
    expected.extend_from_slice(b"globalSettings__enableCloudCommunication=true\n");
    assert_eq!(updated, expected);

    let FixOutcome::Written { backup } = &report.outcome else {
        panic!("expected a write, got {:?}", report.outcome)
    };
    assert_eq!(
        fs::read(backup).unwrap(),
        original,
        "backup is the original, byte for byte"
    );
    let backup_name = backup.file_name().unwrap().to_string_lossy().into_owned();
    let stamp = backup_name
        .strip_prefix("global.override.env.bak-")
        .expect("named after the file");
    assert!(
        stamp.len() == 15
            && stamp.as_bytes()[8] == b'-'
            && stamp.chars().filter(char::is_ascii_digit).count() == 14,
        "timestamp YYYYMMDD-HHMMSS, got {stamp}"
    );
    assert_eq!(
        fs::metadata(&env).unwrap().permissions().mode() & 0o7777,
        0o600
    );
    assert_eq!(
        fs::metadata(backup).unwrap().permissions().mode() & 0o7777,
        0o600
    );
    assert_eq!(report.layout, Layout::Standard);
    assert!(
        report.restart.ends_with("./bitwarden.sh restart"),
        "{}",
        report.restart
    );
    assert_eq!(
        files_in(env.parent().unwrap()),
        vec!["global.override.env".to_owned(), backup_name],
        "no temporary file is left behind"
    );

    let after = installation::read(&Source::Path(env.clone())).unwrap();
    assert!(after.cloud_communication);
    assert!(after.findings.is_empty(), "{:?}", after.findings);
}

#[test]
fn crlf_and_bom_are_kept_and_new_lines_use_crlf() {
    let (_dir, env) = bwdata_with("crlf-bom/global.override.env");
    let original = fs::read(&env).unwrap();
    write_fix(&env, &mut no_hook()).unwrap();
    let mut expected = original;
    expected.extend_from_slice(b"globalSettings__enableCloudCommunication=true\r\n");
    assert_eq!(fs::read(&env).unwrap(), expected);
}

#[test]
fn an_existing_false_line_is_replaced_in_place_and_eu_uris_are_added() {
    let (_dir, env) = bwdata_with("broken/eu_region_default_uris.env");
    let text = fs::read_to_string(&env).unwrap();
    let with_false = text.replace(
        "globalSettings__enableCloudCommunication=true",
        "globalSettings__enableCloudCommunication=false",
    );
    fs::write(&env, &with_false).unwrap();
    let report = write_fix(&env, &mut no_hook()).unwrap();
    assert_eq!(report.changes.len(), 3);

    let before: Vec<&str> = with_false.lines().collect();
    let after_text = fs::read_to_string(&env).unwrap();
    let after: Vec<&str> = after_text.lines().collect();
    assert_eq!(after.len(), before.len() + 2);
    for (number, (old, new)) in before.iter().zip(&after).enumerate() {
        if old.starts_with("globalSettings__enableCloudCommunication=") {
            assert_eq!(
                *new,
                "globalSettings__enableCloudCommunication=true",
                "line {}",
                number + 1
            );
        } else {
            assert_eq!(old, new, "line {} must not change", number + 1);
        }
    }
    assert_eq!(
        &after[before.len()..],
        [
            "globalSettings__installation__apiUri=https://api.bitwarden.eu",
            "globalSettings__installation__identityUri=https://identity.bitwarden.eu"
        ]
    );
    let read = installation::read(&Source::Path(env)).unwrap();
    assert!(read.findings.is_empty(), "{:?}", read.findings);
}

#[test]
fn a_us_push_relay_on_an_eu_installation_moves_to_the_eu_relay() {
    let (_dir, env) = bwdata_with("broken/eu_push_relay_us.env");
    let original = fs::read_to_string(&env).unwrap();
    write_fix(&env, &mut no_hook()).unwrap();
    let expected = original.replace(
        "globalSettings__pushRelayBaseUri=https://push.bitwarden.com",
        "globalSettings__pushRelayBaseUri=https://push.bitwarden.eu",
    );
    assert_eq!(fs::read_to_string(&env).unwrap(), expected);
}

#[test]
fn a_second_run_says_nothing_to_do_and_writes_nothing() {
    let (_dir, env) = bwdata_with("standard/bwdata/env/global.override.env");
    write_fix(&env, &mut no_hook()).unwrap();
    let files = files_in(env.parent().unwrap());
    let content = fs::read(&env).unwrap();
    let modified = fs::metadata(&env).unwrap().modified().unwrap();
    let report = write_fix(&env, &mut no_hook()).unwrap();
    assert_eq!(report.outcome, FixOutcome::NothingToDo);
    assert!(report.changes.is_empty());
    assert_eq!(fs::read(&env).unwrap(), content);
    assert_eq!(fs::metadata(&env).unwrap().modified().unwrap(), modified);
    assert_eq!(files_in(env.parent().unwrap()), files, "no second backup");
}

#[test]
fn a_change_made_while_the_fix_runs_is_detected_and_nothing_is_written() {
    let (_dir, env) = bwdata_with("standard/bwdata/env/global.override.env");
    let meanwhile = b"globalSettings__installation__id=11111111-2222-4333-8444-555555555555\nSOMEONE_ELSE=was here\n";
    let target = env.clone();
    let mut hook = move || fs::write(&target, meanwhile).unwrap();
    let error = write_fix(&env, &mut hook).unwrap_err();
    assert_eq!(error.code(), "env_file_changed");
    assert!(error.advice().contains("again"));
    assert_eq!(
        fs::read(&env).unwrap(),
        meanwhile,
        "the other edit survives"
    );
    assert_eq!(
        files_in(env.parent().unwrap()),
        vec!["global.override.env".to_owned()],
        "no backup, no temp file"
    );
}

#[test]
fn the_file_owner_is_kept() {
    let (_dir, env) = bwdata_with("standard/bwdata/env/global.override.env");
    std::os::unix::fs::chown(&env, Some(4321), Some(4321))
        .expect("this test changes file owners: run it as root (CI does)");
    write_fix(&env, &mut no_hook()).unwrap();
    let meta = fs::metadata(&env).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (4321, 4321));
}

#[test]
fn lite_settings_env_is_fixed_and_the_container_is_recreated() {
    let dir = tempfile::tempdir().unwrap();
    let settings = dir.path().join("settings.env");
    let original = fs::read_to_string(data("lite/settings.env")).unwrap();
    let off = original.replace("globalSettings__enableCloudCommunication=true\n", "");
    fs::write(&settings, &off).unwrap();
    let report =
        installation::enable_cloud_communication(&Source::Path(dir.path().to_path_buf())).unwrap();
    assert_eq!(report.layout, Layout::Lite);
    assert!(
        report
            .restart
            .contains("docker compose up -d --force-recreate"),
        "{}",
        report.restart
    );
    assert_eq!(
        fs::read_to_string(&settings).unwrap(),
        off + "globalSettings__enableCloudCommunication=true\n"
    );
}

#[test]
fn fixing_a_missing_installation_is_a_coded_error() {
    let error =
        installation::enable_cloud_communication(&Source::Path(data("broken/no-such-folder")))
            .unwrap_err();
    assert_eq!(error.code(), "installation_not_found");
}
