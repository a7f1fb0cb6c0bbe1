//! The installation an instance's settings point at.

use companion_core::app::Instance;
use companion_core::error::{Explain, Problem};
use companion_core::installation;
use companion_core::license::ExpectedInstallation;
use companion_core::messages::Phrase;

use crate::error::CommandError;

/// The instance's installation ID, read from where its settings say (over SSH too, so in
/// a blocking task), or why it could not be read.
pub async fn installation_of(
    instance: &Instance,
) -> (Option<ExpectedInstallation>, Option<Problem>) {
    let Some(place) = instance.installation.clone() else {
        return (None, None);
    };
    let read = tokio::task::spawn_blocking(move || {
        let source = place.source()?;
        installation::read(&source)
    })
    .await;
    match read {
        Ok(Ok(found)) => match found.installation_id {
            Some(id) => (
                Some(ExpectedInstallation {
                    id,
                    origin: found.env_file,
                }),
                None,
            ),
            None => (
                None,
                Some(Problem::said(
                    "installation_id_missing",
                    Phrase::new("window.installation_id_missing").with("source", found.source),
                    vec![Phrase::new("window.installation_id_missing.advice")],
                )),
            ),
        },
        Ok(Err(e)) => (None, Some(e.problem())),
        Err(_) => (None, Some(CommandError::interrupted().problem().clone())),
    }
}
