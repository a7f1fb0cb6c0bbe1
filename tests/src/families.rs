//! A self-hosted Families organization for renewal tests: the default seed plus one
//! running on cloud "Acme Family" (6 seats, 4 filled), and the cloud renewing it.

use chrono::Duration;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::fake::{Running, Seed};

/// The self-hosted Families organization.
pub const FAMILY: &str = "b0000000-0000-4000-8000-000000000004";
/// The cloud organization it runs on.
pub const FAMILY_CLOUD: &str = "a0000000-0000-4000-8000-000000000004";

/// The default seed plus the self-hosted Families organization with 4 seats filled.
pub fn seed() -> Seed {
    let mut value: Value =
        serde_json::from_str(include_str!("../data/seeds/default.json")).unwrap();
    value["auth_failure_delay_ms"] = json!(0);
    value["self_hosted"]["organizations"]
        .as_array_mut()
        .unwrap()
        .push(json!({
            "id": FAMILY,
            "cloud_organization": FAMILY_CLOUD,
            "owner": "owner@example.com",
            "usage": { "seats_in_use": 4 }
        }));
    serde_json::from_value(value).unwrap()
}

/// The cloud renews the Families subscription for a year, with `seats` seats.
pub fn renew_in_the_cloud(server: &Running, seats: i32) {
    let id = Uuid::parse_str(FAMILY_CLOUD).unwrap();
    server.state.edit(|world| {
        let org = world
            .cloud_orgs
            .iter_mut()
            .find(|o| o.id == id)
            .expect("Acme Family");
        org.seats = Some(seats);
        org.subscription.period_end += Duration::days(365);
    });
}
