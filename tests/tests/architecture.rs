//! The workspace keeps its shape: the core library and the CLI link no GUI code, so they
//! build and run on a headless server, and the test server judges licenses with its own
//! code, so a mistake in the app's license module cannot confirm itself.

use std::process::Command;

use companion_tests::paths;

fn normal_dependencies(package: &str) -> Vec<String> {
    let output = Command::new(env!("CARGO"))
        .current_dir(paths::workspace_root())
        .args([
            "tree",
            "--locked",
            "--offline",
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .args(["--format", "{p}", "-p", package])
        .output()
        .expect("run cargo tree");
    assert!(
        output.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("utf-8")
        .lines()
        .filter_map(|line| line.split_whitespace().next().map(str::to_owned))
        .collect()
}

fn assert_headless(package: &str) {
    let deps = normal_dependencies(package);
    assert!(
        deps.len() > 5,
        "{package}: suspiciously few dependencies: {deps:?}"
    );
    let gui: Vec<_> = deps
        .iter()
        .filter(|name| {
            name.starts_with("tauri")
                || name.starts_with("gtk")
                || name.starts_with("gdk")
                || name.contains("webkit")
                || name.starts_with("wry")
                || name.starts_with("tao")
        })
        .collect();
    assert!(gui.is_empty(), "{package} pulls in GUI crates: {gui:?}");
}

#[test]
fn core_library_links_no_gui_crates() {
    assert_headless("companion-core");
}

#[test]
fn command_line_tool_links_no_gui_crates() {
    assert_headless("bwlicense");
}

#[test]
fn desktop_shell_is_the_one_that_links_tauri() {
    let deps = normal_dependencies("license-companion");
    assert!(deps.iter().any(|name| name == "tauri"), "{deps:?}");
}

/// The features `package` turns on in companion-core in a build of it (no dev-dependencies).
fn core_features_in(package: &str) -> String {
    let output = Command::new(env!("CARGO"))
        .current_dir(paths::workspace_root())
        .args(["tree", "--locked", "--offline", "-e", "normal"])
        .args(["--prefix", "none", "--format", "{p} [{f}]", "-p", package])
        .output()
        .expect("run cargo tree");
    assert!(output.status.success(), "cargo tree failed");
    String::from_utf8(output.stdout)
        .expect("utf-8")
        .lines()
        .find(|line| line.starts_with("companion-core "))
        .unwrap_or_else(|| panic!("{package} does not use companion-core"))
        .to_owned()
}

#[test]
fn release_builds_of_the_app_and_cli_cannot_sign_licenses() {
    for package in ["license-companion", "bwlicense"] {
        let core = core_features_in(package);
        assert!(
            !core.contains("test-support"),
            "{package} builds companion-core with test-support (license signing): {core}"
        );
    }
}

/// Whether Rust source names the app's license module, directly or in a grouped `use`.
fn names_core_license_module(source: &str) -> bool {
    source.contains("companion_core::license")
        || source.match_indices("companion_core::{").any(|(at, _)| {
            source[at..]
                .split(';')
                .next()
                .unwrap_or("")
                .contains("license")
        })
}

#[test]
fn the_test_server_reads_signs_and_verifies_licenses_without_the_apps_license_module() {
    let dir = paths::workspace_root().join("tests/src/fake");
    let sources: Vec<_> = std::fs::read_dir(&dir)
        .expect("read tests/src/fake")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "rs"))
        .collect();
    assert!(sources.len() > 10, "the fake's sources moved: {sources:?}");
    let offenders: Vec<_> = sources
        .iter()
        .filter(|path| names_core_license_module(&std::fs::read_to_string(path).expect("read")))
        .collect();
    assert!(
        offenders.is_empty(),
        "{offenders:?} use the app's license module"
    );
}

#[test]
fn grouped_imports_of_the_license_module_are_noticed() {
    assert!(names_core_license_module(
        "use companion_core::{crypto::Kdf, license::parse};"
    ));
    assert!(names_core_license_module(
        "companion_core::license::parse(b)"
    ));
    assert!(!names_core_license_module(
        "use companion_core::{crypto::Kdf};\nfn license() {}"
    ));
}
