//! Who is signing in, as the identity server wants to know: the device type (Linux desktop
//! app or CLI), a stable device identifier kept in the config folder (so Bitwarden does not
//! treat every run as a new device and e-mail a verification code), and a device name
//! (contract §4.4).

use std::fs;

use uuid::Uuid;

use super::errors::BitwardenError;
use super::folders::{write_private_file, Folders};

/// The version sent in `Bitwarden-Client-Version`: the server refuses requests without it
/// and accounts with newer encryption below 2025.11.0 (contract §4.4).
pub const CLIENT_VERSION: &str = "2025.11.0";

/// Which program is talking: the desktop app or the `bwlicense` CLI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppKind {
    Desktop,
    Cli,
}

impl AppKind {
    /// `Bitwarden-Client-Name`, and the static identity client (`client_id`) of the
    /// password grant.
    pub fn client_name(self) -> &'static str {
        match self {
            AppKind::Desktop => "desktop",
            AppKind::Cli => "cli",
        }
    }

    /// `DeviceType` for this platform (Windows 6/23, macOS 7/24, Linux 8/25).
    pub fn device_type(self) -> u8 {
        match (self, std::env::consts::OS) {
            (AppKind::Desktop, "windows") => 6,
            (AppKind::Desktop, "macos") => 7,
            (AppKind::Desktop, _) => 8,
            (AppKind::Cli, "windows") => 23,
            (AppKind::Cli, "macos") => 24,
            (AppKind::Cli, _) => 25,
        }
    }

    fn device_name(self) -> &'static str {
        match self {
            AppKind::Desktop => "License Companion",
            AppKind::Cli => "License Companion CLI",
        }
    }
}

/// The device fields of every sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub app: AppKind,
    pub identifier: Uuid,
    pub name: String,
}

impl Device {
    /// This machine's device, creating its identifier on first use.
    pub fn load_or_create(folders: &Folders, app: AppKind) -> Result<Device, BitwardenError> {
        let path = folders.device_file();
        let existing = fs::read_to_string(&path)
            .ok()
            .and_then(|text| Uuid::parse_str(text.trim()).ok());
        let identifier = match existing {
            Some(id) => id,
            None => {
                let id = Uuid::new_v4();
                write_private_file(&path, format!("{}\n", id.hyphenated()).as_bytes())?;
                id
            }
        };
        Ok(Device::with_identifier(app, identifier))
    }

    /// A device with a given identifier (tests, benchmarks, a caller that keeps its own).
    pub fn with_identifier(app: AppKind, identifier: Uuid) -> Device {
        Device {
            app,
            identifier,
            name: app.device_name().to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_device_identifier_survives_restarts() {
        let dir = tempfile::tempdir().unwrap();
        let folders = Folders {
            config: dir.path().join("config"),
            data: dir.path().join("data"),
        };
        let first = Device::load_or_create(&folders, AppKind::Cli).unwrap();
        let second = Device::load_or_create(&folders, AppKind::Cli).unwrap();
        assert_eq!(first.identifier, second.identifier);
        assert_eq!(second.app.client_name(), "cli");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn linux_device_types_are_8_for_the_app_and_25_for_the_cli() {
        assert_eq!(AppKind::Desktop.device_type(), 8);
        assert_eq!(AppKind::Cli.device_type(), 25);
    }
}
