//! A desktop notification service for tests: it owns org.freedesktop.Notifications on the
//! session bus and keeps what the app raised, so a test asserts what the person would see.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The notifications raised on the session bus: (summary, body).
#[derive(Clone, Default)]
pub struct Caught(Arc<Mutex<Vec<(String, String)>>>);

/// A running catcher; the bus name is released when dropped.
pub struct Catcher {
    pub caught: Caught,
    _bus: zbus::Connection,
}

impl Catcher {
    /// Takes the notification service's name on the session bus.
    pub async fn start() -> Catcher {
        let caught = Caught::default();
        let bus = zbus::connection::Builder::session()
            .name("org.freedesktop.Notifications")
            .serve_at("/org/freedesktop/Notifications", caught.clone())
            .build()
            .await
            .expect("own org.freedesktop.Notifications on the session bus");
        Catcher { caught, _bus: bus }
    }

    /// Everything raised so far.
    pub fn all(&self) -> Vec<(String, String)> {
        self.caught.0.lock().unwrap().clone()
    }

    /// Waits for a notification whose summary contains `needle`.
    pub async fn wait_for(&self, needle: &str, patience: Duration) -> (String, String) {
        let deadline = Instant::now() + patience;
        loop {
            if let Some(found) = self.all().into_iter().find(|(s, _)| s.contains(needle)) {
                return found;
            }
            assert!(
                Instant::now() < deadline,
                "no notification \"{needle}\"; raised: {:?}",
                self.all()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Caught {
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        _app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        _actions: Vec<String>,
        _hints: HashMap<String, zbus::OwnedVariant>,
        _expire_timeout: i32,
    ) -> u32 {
        let mut caught = self.0.lock().unwrap();
        caught.push((summary, body));
        caught.len() as u32
    }

    fn get_capabilities(&self) -> Vec<String> {
        vec!["body".into()]
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "e2e-catcher".into(),
            "tests".into(),
            "1".into(),
            "1.2".into(),
        )
    }

    fn close_notification(&self, _id: u32) {}
}
