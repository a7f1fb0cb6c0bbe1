//! Locations of the workspace, its built binaries and the test output folder.

use std::path::PathBuf;

/// The workspace root (the folder holding the top-level `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives inside the workspace")
        .to_path_buf()
}

/// A workspace program in the test profile: `cargo test --workspace` builds each one, since
/// each program's package has tests of its own (`tests/`).
///
/// Panics with the command to run when it is missing, so a test never passes by skipping.
pub fn built_binary(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    let path = target.join("debug").join(name);
    assert!(
        path.exists(),
        "{} is not built: run `cargo build --workspace --bins` (make test does)",
        path.display()
    );
    path
}

/// Folder for screenshots and logs of a test run (`test-output/`, git-ignored).
pub fn output_dir() -> PathBuf {
    let dir = std::env::var_os("TEST_OUTPUT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("test-output"));
    std::fs::create_dir_all(&dir).expect("create test output folder");
    dir
}
