//! What the window tells its page unasked. Each event is a type that knows its name, so
//! the page's `listen` is typed by it (`Events` in `src-tauri/ipc.d.ts`) as `call` is by
//! the commands.

use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime};

/// A message to the page, sent under [`PageEvent::NAME`].
pub trait PageEvent: Serialize + Clone {
    /// The name the page listens for.
    const NAME: &'static str;
}

/// Sends `event` to the page. Progress only keeps the person company until the command
/// answers, and a drop the page did not hear can be made again, so a failure is logged.
pub fn send<R: Runtime, E: PageEvent>(app: &AppHandle<R>, event: E) {
    if let Err(error) = app.emit(E::NAME, event) {
        tracing::warn!(%error, event = E::NAME, "could not tell the page");
    }
}

/// Which step of getting the billing sync token is running (`setup.stage.<stage>`).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BillingProgress {
    pub stage: TokenStage,
}

impl PageEvent for BillingProgress {
    const NAME: &'static str = "billing-progress";
}

#[derive(Debug, Clone, Copy, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum TokenStage {
    SigningIn,
    Verifying,
    Fetching,
    Saving,
    Done,
}

/// Which step of creating an organization is running (`license.create.<step>`).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CreateProgress {
    pub step: CreateStep,
}

impl PageEvent for CreateProgress {
    const NAME: &'static str = "license-create-progress";
}

#[derive(Debug, Clone, Copy, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum CreateStep {
    Checking,
    Sending,
}
