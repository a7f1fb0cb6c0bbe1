//! How things stand, worst first: the colour of a dashboard row and of the tray icon.

use serde::Serialize;

/// The state of a license, an instance or the whole app. Ordered so that `max()` is the
/// worst: an unknown state (not signed in, server unreachable) ranks above "fine" because it
/// needs the admin's attention, but below a real warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Status {
    Ok,
    Unknown,
    Warning,
    Error,
}

impl Status {
    /// The worst of several states; `Ok` when there is none.
    pub fn worst(states: impl IntoIterator<Item = Status>) -> Status {
        states.into_iter().max().unwrap_or(Status::Ok)
    }

    /// Stable name (`ok`, `unknown`, `warning`, `error`) for icons and CSS classes.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Unknown => "unknown",
            Status::Warning => "warning",
            Status::Error => "error",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worst_status_wins_and_nothing_is_fine() {
        assert_eq!(
            Status::worst([Status::Ok, Status::Error, Status::Warning]),
            Status::Error
        );
        assert_eq!(
            Status::worst([Status::Ok, Status::Unknown]),
            Status::Unknown
        );
        assert_eq!(Status::worst([]), Status::Ok);
    }
}
