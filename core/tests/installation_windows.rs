//! A Windows install (`bitwarden.ps1` with `bwdata` beside it, CRLF env and config files)
//! reads exactly like the Linux one, whichever of its paths the person names.

use std::path::{Path, PathBuf};

use companion_core::error::Explain;
use companion_core::installation::{self, Installation, Source};

fn data(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/installation")
        .join(relative)
}

fn read(path: PathBuf) -> Installation {
    installation::read(&Source::Path(path.clone()))
        .unwrap_or_else(|e| panic!("{} should read: {} ({e})", path.display(), e.code()))
}

fn codes(found: &Installation) -> Vec<&str> {
    let mut codes: Vec<&str> = found.findings.iter().map(|f| f.code.as_str()).collect();
    codes.sort_unstable();
    codes
}

#[test]
fn windows_install_reads_like_the_linux_one_from_any_of_its_paths() {
    let linux = read(data("standard/bwdata"));
    for named in [
        "windows/Bitwarden",
        "windows/Bitwarden/bitwarden.ps1",
        "windows/Bitwarden/bwdata",
        "windows/Bitwarden/bwdata/env/global.override.env",
    ] {
        let windows = read(data(named));
        assert_eq!(windows.installation_id, linux.installation_id, "{named}");
        assert_eq!(windows.region, linux.region, "{named}");
        assert_eq!(windows.vault_url, linux.vault_url, "{named}");
        assert_eq!(
            windows.installation_key_present(),
            linux.installation_key_present(),
            "{named}"
        );
        assert_eq!(codes(&windows), codes(&linux), "{named}");
    }
}

#[test]
fn the_env_file_of_a_windows_install_keeps_its_crlf_endings() {
    let bytes = std::fs::read(data("windows/Bitwarden/bwdata/env/global.override.env")).unwrap();
    assert!(bytes.windows(2).any(|pair| pair == b"\r\n"));
}
