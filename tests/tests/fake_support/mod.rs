//! What the fake-server tests share: starting a server, a plain reqwest client, signing in
//! as a Bitwarden client does (prelogin, KDF, server hash), multipart uploads and checks of
//! the server's error envelope.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use companion_core::crypto::{Kdf, MasterKey};
use companion_tests::fake::{FakeBitwarden, Running, Seed, MODEL_STATE_INVALID};
use reqwest::multipart::{Form, Part};
use reqwest::{Client, Response, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

/// The client version every sign-in sends: the app's own.
pub use companion_core::bitwarden::CLIENT_VERSION;
pub use companion_tests::ids::*;
/// A stable device identifier for sign-ins.
pub const DEVICE: &str = "6f1ae7f2-3f7c-4b1b-9a57-1a2b3c4d5e6f";

/// Ids of the default seed.
pub const ACME_CORP: &str = "a0000000-0000-4000-8000-000000000001";
pub const ACME_STARTER: &str = "a0000000-0000-4000-8000-000000000003";
pub const LAPSED_CORP: &str = "a0000000-0000-4000-8000-000000000005";
pub const UNPAID_INC: &str = "a0000000-0000-4000-8000-000000000006";
pub const SEEDED_ORG: &str = "b0000000-0000-4000-8000-000000000001";
pub const INSTALLATION: &str = "78900000-0000-0000-0000-000000000123";
pub const DISABLED_INSTALLATION: &str = "78900000-0000-0000-0000-000000000999";
pub const EU_INSTALLATION: &str = "78900000-0000-0000-0000-0000000000e1";
pub const ACME_BILLING_SYNC_KEY: &str = "AcmeBillingSyncToken0123456789";

/// The default seed with a short brute-force delay, so failing sign-ins are quick.
pub fn quick_seed() -> Seed {
    let mut seed = Seed::default_seed();
    seed.auth_failure_delay_ms = 20;
    seed
}

/// Which server to talk to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    SelfHosted,
    Cloud,
}

/// A running fake server and a client for it.
pub struct Fake {
    pub run: Running,
    pub http: Client,
}

/// A signed-in session.
#[derive(Debug, Clone)]
pub struct Session {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub body: Value,
}

impl Fake {
    pub async fn start(seed: Seed) -> Fake {
        let run = FakeBitwarden::builder()
            .seed(seed)
            .start()
            .await
            .expect("the fake server starts");
        Fake {
            run,
            http: Client::builder().no_proxy().build().expect("client"),
        }
    }

    pub fn identity(&self, side: Side) -> String {
        match side {
            Side::SelfHosted => self.run.self_hosted_identity(),
            Side::Cloud => self.run.cloud_identity_url.clone(),
        }
    }

    pub fn api(&self, side: Side) -> String {
        match side {
            Side::SelfHosted => self.run.self_hosted_api(),
            Side::Cloud => self.run.cloud_api_url.clone(),
        }
    }

    /// The server hash of a password, with the KDF the server announces.
    pub async fn password_hash(&self, side: Side, email: &str, password: &str) -> String {
        let prelogin: Value = self
            .http
            .post(format!(
                "{}/accounts/prelogin/password",
                self.identity(side)
            ))
            .json(&serde_json::json!({ "email": email }))
            .send()
            .await
            .expect("prelogin")
            .json()
            .await
            .expect("prelogin JSON");
        let kdf = Kdf::from_json(&prelogin).expect("prelogin KDF");
        server_hash(email, password, &kdf)
    }

    /// The password grant form of a client, without two-step fields.
    pub async fn password_form(
        &self,
        side: Side,
        email: &str,
        password: &str,
    ) -> Vec<(String, String)> {
        let hash = self.password_hash(side, email, password).await;
        [
            ("grant_type", "password"),
            ("username", email),
            ("password", hash.as_str()),
            ("scope", "api offline_access"),
            ("client_id", "cli"),
            ("deviceType", "25"),
            ("deviceIdentifier", DEVICE),
            ("deviceName", "linux"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
    }

    /// `POST /connect/token` with the client version header.
    pub async fn token(&self, side: Side, form: &[(String, String)]) -> Response {
        self.http
            .post(format!("{}/connect/token", self.identity(side)))
            .header("Bitwarden-Client-Version", CLIENT_VERSION)
            .form(form)
            .send()
            .await
            .expect("token request")
    }

    /// Signs in with the password grant; panics when refused.
    pub async fn sign_in(&self, side: Side, email: &str, password: &str) -> Session {
        let form = self.password_form(side, email, password).await;
        let response = self.token(side, &form).await;
        assert_eq!(response.status(), StatusCode::OK, "sign-in of {email}");
        session(response.json().await.expect("token JSON"))
    }

    pub async fn get(&self, side: Side, path: &str, session: &Session) -> Response {
        self.http
            .get(format!("{}{path}", self.api(side)))
            .bearer_auth(&session.access_token)
            .send()
            .await
            .expect("GET")
    }

    /// `GET` an API path and read its JSON answer.
    pub async fn get_json(&self, side: Side, path: &str, session: &Session) -> Value {
        self.get(side, path, session)
            .await
            .json()
            .await
            .expect("a JSON answer")
    }

    pub async fn post_json(
        &self,
        side: Side,
        path: &str,
        session: &Session,
        body: &Value,
    ) -> Response {
        self.http
            .post(format!("{}{path}", self.api(side)))
            .bearer_auth(&session.access_token)
            .json(body)
            .send()
            .await
            .expect("POST")
    }

    /// Sends a license file to a self-hosted route as the web vault does (`license` part).
    pub async fn upload_license(
        &self,
        path: &str,
        session: &Session,
        license: Vec<u8>,
    ) -> Response {
        self.post_form(Side::SelfHosted, path, session, license_form(license))
            .await
    }

    /// Posts a multipart form to the API.
    pub async fn post_form(
        &self,
        side: Side,
        path: &str,
        session: &Session,
        form: Form,
    ) -> Response {
        self.http
            .post(format!("{}{path}", self.api(side)))
            .bearer_auth(&session.access_token)
            .multipart(form)
            .send()
            .await
            .expect("multipart POST")
    }

    /// Downloads an organization license from the cloud as its owner.
    pub async fn download_org_license(
        &self,
        cloud: &Session,
        org: &str,
        installation: &str,
    ) -> Vec<u8> {
        let response = self
            .get(
                Side::Cloud,
                &format!("/organizations/{org}/license?installationId={installation}"),
                cloud,
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "license download of {org}"
        );
        response.bytes().await.expect("license bytes").to_vec()
    }
}

/// The token fields of a successful sign-in.
pub fn session(body: Value) -> Session {
    Session {
        access_token: body["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned(),
        refresh_token: body["refresh_token"].as_str().map(str::to_owned),
        body,
    }
}

/// The server hash for an e-mail, password and KDF (cached: the KDF is slow).
pub fn server_hash(email: &str, password: &str, kdf: &Kdf) -> String {
    static CACHE: OnceLock<Mutex<HashMap<String, String>>> = OnceLock::new();
    let key = format!("{email}\u{0}{password}\u{0}{kdf:?}");
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(found) = cache.lock().unwrap().get(&key) {
        return found.clone();
    }
    let secret = SecretString::from(password.to_owned());
    let master = MasterKey::derive(&secret, email, kdf).expect("derive master key");
    let hash = master.server_hash(&secret).expose_secret().to_owned();
    cache.lock().unwrap().insert(key, hash.clone());
    hash
}

/// A multipart form with the license file.
pub fn license_form(bytes: Vec<u8>) -> Form {
    Form::new().part(
        "license",
        Part::bytes(bytes)
            .file_name("bitwarden_organization_license.json")
            .mime_str("application/json")
            .expect("mime"),
    )
}

/// Checks a server error: status, message, and the envelope's other members.
pub async fn expect_error(response: Response, status: StatusCode, message: &str) -> Value {
    assert_eq!(response.status(), status, "status for {message:?}");
    let body: Value = response.json().await.expect("error JSON");
    assert_eq!(body["object"], "error", "{body}");
    assert_eq!(body["message"], message, "{body}");
    for member in [
        "exceptionMessage",
        "exceptionStackTrace",
        "innerExceptionMessage",
    ] {
        assert!(body[member].is_null(), "{member} in {body}");
    }
    body
}

/// Checks a model-validation error with one field message.
pub async fn expect_validation(response: Response, field: &str, contains: &str) -> Value {
    let body = expect_error(response, StatusCode::BAD_REQUEST, MODEL_STATE_INVALID).await;
    let messages = body["validationErrors"][field]
        .as_array()
        .unwrap_or_else(|| panic!("no validation error for {field}: {body}"));
    assert!(
        messages
            .iter()
            .any(|m| m.as_str().is_some_and(|m| m.contains(contains))),
        "{field} errors {messages:?} lack {contains:?}"
    );
    body
}

/// The `message` of a plain 400 (for texts with a variable tail).
pub async fn bad_request_message(response: Response) -> String {
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.expect("error JSON");
    body["message"].as_str().unwrap_or_default().to_owned()
}
