//! What to know before sending a license that does not stop it, shown beside an upload plan
//! or an organization draft. Typed, so each front end can add how it acts on a note; the
//! window and `--json` read each note as a problem with no advice: a code, its English and
//! its catalog words.

use std::fmt;
use std::path::PathBuf;

use serde::{Serialize, Serializer};

use crate::error::Problem;
use crate::messages::Phrase;

/// One note on a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[cfg_attr(feature = "typescript", ts(as = "crate::error::Problem"))]
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

impl PlanNote {
    pub fn code(&self) -> &'static str {
        match self {
            PlanNote::InstallationUnchecked => "installation_unchecked",
            PlanNote::ServerCopyUnreadable { .. } => "server_copy_unreadable",
            PlanNote::ArchivedCopyUnreadable { .. } => "archived_copy_unreadable",
            PlanNote::NoReplacedCopy => "no_replaced_copy",
        }
    }

    /// The note in the catalog's words (`note.<code>`).
    pub fn phrase(&self) -> Phrase {
        let phrase = Phrase::new(format!("note.{}", self.code()));
        match self {
            PlanNote::ServerCopyUnreadable { path, detail }
            | PlanNote::ArchivedCopyUnreadable { path, detail } => {
                phrase.with("path", path.display()).with("detail", detail)
            }
            PlanNote::InstallationUnchecked | PlanNote::NoReplacedCopy => phrase,
        }
    }
}

impl fmt::Display for PlanNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.phrase().say("en"))
    }
}

impl Serialize for PlanNote {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Problem::said(self.code(), self.phrase(), Vec::new()).serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_note_reads_in_both_languages_and_serialises_as_a_problem_without_advice() {
        let unreadable = || {
            (
                PathBuf::from("/opt/bwdata/core/licenses/x.json"),
                "denied".to_owned(),
            )
        };
        let (path, detail) = unreadable();
        let (archived, why) = unreadable();
        let notes = [
            PlanNote::InstallationUnchecked,
            PlanNote::ServerCopyUnreadable { path, detail },
            PlanNote::ArchivedCopyUnreadable {
                path: archived,
                detail: why,
            },
            PlanNote::NoReplacedCopy,
        ];
        for note in notes {
            let phrase = note.phrase();
            let chinese = phrase.say("zh-CN");
            assert!(!chinese.is_ascii() && !chinese.contains('{'), "{chinese}");
            let json = serde_json::to_value(&note).unwrap();
            assert_eq!(json["code"], note.code());
            assert_eq!(json["message"], note.to_string());
            assert_eq!(json["advice"], "");
            assert_eq!(json["words"]["message"][0]["key"], phrase.key);
        }
    }
}
