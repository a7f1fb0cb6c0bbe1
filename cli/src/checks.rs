//! The options `upload` and `org create` share to check a license before it is sent: which
//! licensing certificates to trust and which installation the license must be for.

use std::path::PathBuf;

use clap::Args;
use companion_core::bitwarden::{BitwardenError, FileAction};
use companion_core::installation::{self, Source};
use companion_core::license::{ExpectedInstallation, TrustSet};
use uuid::Uuid;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The server's bwdata folder: the license's installation ID is checked against it (and
    /// `upload` keeps the server's current license file).
    #[arg(long, value_name = "DIR")]
    pub bwdata: Option<PathBuf>,
    /// The server's installation ID, to check the license against.
    #[arg(long, value_name = "ID", conflicts_with = "bwdata")]
    pub installation_id: Option<Uuid>,
    /// Also trust this licensing certificate or public key (PEM); repeatable.
    #[arg(long = "trust-cert", value_name = "PEM")]
    pub trust_cert: Vec<PathBuf>,
    /// Trust Bitwarden's development certificate, as a non-production server does.
    #[arg(long)]
    pub allow_dev_cert: bool,
}

impl CheckArgs {
    /// Bitwarden's production certificate plus what the options add.
    pub fn trust(&self) -> Result<TrustSet, BitwardenError> {
        let mut trust = TrustSet::production()?;
        if self.allow_dev_cert {
            trust = trust.allow_development();
        }
        for path in &self.trust_cert {
            let pem = std::fs::read_to_string(path)
                .map_err(|e| BitwardenError::file(FileAction::Read, path, e))?;
            trust = trust.trust_pem(&pem)?;
        }
        Ok(trust)
    }

    /// The installation the license must be for: the given ID, or the one read from bwdata.
    pub fn installation(&self) -> Result<Option<ExpectedInstallation>, BitwardenError> {
        Ok(match (self.installation_id, &self.bwdata) {
            (Some(id), _) => Some(ExpectedInstallation {
                id,
                origin: "--installation-id".into(),
            }),
            (None, Some(dir)) => {
                let found = installation::read(&Source::Path(dir.clone()))?;
                found.installation_id.map(|id| ExpectedInstallation {
                    id,
                    origin: found.env_file.clone(),
                })
            }
            (None, None) => None,
        })
    }
}
