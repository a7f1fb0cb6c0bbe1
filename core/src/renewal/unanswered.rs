//! An earlier send that got no answer. The archive keeps it as `…-new.json` (see
//! [`Archive`]); renewal never sends again over it. When the server's answers show that
//! license in force after all, the archive is brought up to date and renewal goes on.

use std::path::PathBuf;

use crate::bitwarden::{Archive, ArchivedRole, LicenseOwner, Subscription};
use crate::license::{inspect, InspectOptions};

use super::freshness::Terms;

/// The unanswered send that stops renewal of `owner`, if its newest archived license is
/// one. `server_now` is the organization's subscription (none for premium, whose dates no
/// answer shows): a match marks the send applied and the license it replaced replaced.
pub fn pending(
    archive: &Archive,
    server: &str,
    owner: LicenseOwner,
    server_now: Option<&Subscription>,
    options: &InspectOptions,
) -> Option<PathBuf> {
    let history: Vec<_> = archive
        .history(server)
        .into_iter()
        .filter(|a| a.owner == owner)
        .collect();
    let newest = history.first()?;
    if newest.role != ArchivedRole::New {
        return None;
    }
    let in_force = server_now.is_some_and(|sub| {
        std::fs::read(&newest.path)
            .ok()
            .and_then(|bytes| inspect(&bytes, options).ok())
            .is_some_and(|sent| {
                let sent = Terms::of(&sent);
                sent.expires.map(|t| t.timestamp()) == sub.expiration.map(|t| t.timestamp())
                    && sent.seats == sub.seats
            })
    });
    if !in_force {
        return Some(newest.path.clone());
    }
    if archive.mark_applied(&newest.path).is_err() {
        return Some(newest.path.clone());
    }
    let stamp = newest.at;
    for before in history
        .iter()
        .filter(|a| a.role == ArchivedRole::Before && a.at == stamp)
    {
        // The license kept before it stays in the archive under its old name otherwise.
        let _ = archive.mark_replaced(&before.path);
    }
    None
}
