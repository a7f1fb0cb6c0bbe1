//! What to know before sending a license that does not stop it, shown beside an upload plan
//! or an organization draft. Typed, so each front end can add how it acts on a note; the
//! window and `--json` read each note as its text.

use std::fmt;
use std::path::PathBuf;

use serde::{Serialize, Serializer};

/// One note on a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanNote {
    /// No installation was given, so the license's installation ID was not compared.
    InstallationUnchecked,
    /// The server's own copy of the license in force could not be read.
    ServerCopyUnreadable { path: PathBuf, detail: String },
    /// The license last applied through this app could not be read.
    ArchivedCopyUnreadable { path: PathBuf, detail: String },
    /// No copy of the license being replaced was found anywhere.
    NoReplacedCopy,
}

impl fmt::Display for PlanNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanNote::InstallationUnchecked => f.write_str(
                "The installation ID was not checked: give the server's bwdata folder or its installation ID to check it.",
            ),
            PlanNote::ServerCopyUnreadable { path, detail } => write!(
                f,
                "The server's current license {} could not be read ({detail}), so no copy of it is kept.",
                path.display()
            ),
            PlanNote::ArchivedCopyUnreadable { path, detail } => write!(
                f,
                "The last applied license {} could not be read ({detail}).",
                path.display()
            ),
            PlanNote::NoReplacedCopy => f.write_str(
                "No copy of the license being replaced was found (neither the server's license file nor an earlier upload from here); the new one is archived before it is sent.",
            ),
        }
    }
}

impl Serialize for PlanNote {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}
