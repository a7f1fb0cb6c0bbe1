//! Helpers shared by the client's integration tests: a fresh test server, an HTTP client
//! with short timeouts, endpoints of its roles, and signing in.

#![allow(dead_code)]

use std::time::Duration;

use companion_core::bitwarden::{
    AppKind, CloudUrls, Credentials, Device, Endpoints, Http, HttpOptions, Login, LoginStep,
    Session,
};
use companion_core::installation::Region;
use companion_core::secrets::SecretString;
use companion_tests::fake::{FakeBitwarden, Running, Seed};
pub use companion_tests::ids::*;
use uuid::Uuid;

/// The default seed without the 2-second delay after a wrong password.
pub fn fast_seed() -> Seed {
    let mut seed = Seed::default_seed();
    seed.auth_failure_delay_ms = 0;
    seed
}

pub async fn start_with(seed: Seed, https: bool) -> Running {
    FakeBitwarden::builder()
        .seed(seed)
        .https(https)
        .start()
        .await
        .expect("the test server starts")
}

pub async fn start(https: bool) -> Running {
    start_with(fast_seed(), https).await
}

pub fn options(server: &Running) -> HttpOptions {
    HttpOptions {
        ca_cert: server.ca_cert_path.clone(),
        connect_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(20),
        retry_backoff: Duration::from_millis(10),
        ..HttpOptions::default()
    }
}

pub fn http_with(options: HttpOptions) -> Http {
    Http::new(
        options,
        Device::with_identifier(AppKind::Cli, Uuid::new_v4()),
    )
    .unwrap()
}

pub fn self_hosted(server: &Running) -> Endpoints {
    Endpoints::self_hosted(&server.self_hosted_url).unwrap()
}

pub fn cloud(server: &Running) -> Endpoints {
    Endpoints::cloud(
        Region::Us,
        &CloudUrls {
            api: Some(server.cloud_api_url.clone()),
            identity: Some(server.cloud_identity_url.clone()),
        },
    )
    .unwrap()
}

pub fn api_key(id: &str, secret: &str) -> Credentials {
    Credentials::ApiKey {
        client_id: id.into(),
        client_secret: SecretString::from(secret),
    }
}

pub fn password(email: &str, password: &str) -> Credentials {
    Credentials::Password {
        email: email.into(),
        password: SecretString::from(password),
    }
}

pub async fn sign_in(http: &Http, endpoints: &Endpoints, credentials: Credentials) -> Session {
    match Login::new(http.clone(), endpoints.clone(), credentials)
        .start()
        .await
        .expect("sign-in works")
    {
        LoginStep::Done(session) => *session,
        other => panic!("expected a finished sign-in, got {other:?}"),
    }
}

/// The self-hosted owner, signed in with the API key.
pub async fn self_hosted_owner(server: &Running) -> Session {
    sign_in(
        &http_with(options(server)),
        &self_hosted(server),
        api_key(OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET),
    )
    .await
}

/// The cloud owner, signed in with the API key.
pub async fn cloud_owner(server: &Running) -> Session {
    sign_in(
        &http_with(options(server)),
        &cloud(server),
        api_key(OWNER_CLOUD_ID, OWNER_CLOUD_SECRET),
    )
    .await
}

pub fn uuid(text: &str) -> Uuid {
    Uuid::parse_str(text).unwrap()
}
