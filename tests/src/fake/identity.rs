//! The identity server (cloud identity role, and `/identity` of the self-hosted role):
//! prelogin and `POST /connect/token` (contract §4.4).
//!
//! Sign-in runs the server's checks in its order: credentials (2 s delay when wrong), the
//! `Bitwarden-Client-Version` header, two-step login, then the device and new-device
//! verification. Errors are Duende's `{"error","error_description"}` plus the PascalCase
//! `ErrorModel` the clients read. Access tokens are RS256 JWTs (see `jwt`).
//!
//! Grants: `password` (static clients `web`, `browser`, `desktop`, `mobile`, `cli`,
//! `connector`; a refresh token when `offline_access` is asked for), `client_credentials`
//! for personal API keys (`user.<id>`, scope `api`) and installations (`installation.<id>`,
//! scopes `api.push`/`api.licensing`/`api.installation`, cloud only, 24 h), and
//! `refresh_token` (same refresh token, sliding 30 days). Two-step providers: authenticator
//! (0), e-mail (1) and remember (5). SSO policies, Duo, YubiKey and WebAuthn are not
//! modelled.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Json, Router};
use companion_core::crypto::Kdf;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::auth::Ctx;
use super::jwt::{self, UserGrant};
use super::keys::{random_string, secret_eq};
use super::state::{AccessToken, MailPurpose, Realm, RefreshGrant, Subject, User, World};
use super::totp;

/// Clients with a password grant (`StaticClientStore`).
const STATIC_CLIENTS: [&str; 6] = ["web", "browser", "desktop", "mobile", "cli", "connector"];
/// Sliding lifetime of refresh tokens.
const REFRESH_LIFETIME: Duration = Duration::from_secs(30 * 24 * 3600);
/// Lifetime of installation tokens (24 h, `InstallationClientProvider`).
const INSTALLATION_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);
/// V2-encryption accounts need at least this client version.
const MIN_VERSION_V2: (u32, u32, u32) = (2025, 11, 0);
/// `DeviceType` names the server's enum parser accepts (numbers are accepted too).
const DEVICE_TYPES: [&str; 27] = [
    "Android",
    "iOS",
    "ChromeExtension",
    "FirefoxExtension",
    "OperaExtension",
    "EdgeExtension",
    "WindowsDesktop",
    "MacOsDesktop",
    "LinuxDesktop",
    "ChromeBrowser",
    "FirefoxBrowser",
    "OperaBrowser",
    "EdgeBrowser",
    "IEBrowser",
    "UnknownBrowser",
    "AndroidAmazon",
    "UWP",
    "SafariBrowser",
    "VivaldiBrowser",
    "VivaldiExtension",
    "SafariExtension",
    "SDK",
    "Server",
    "WindowsCLI",
    "MacOsCLI",
    "LinuxCLI",
    "DuckDuckGoBrowser",
];

/// The identity routes, relative to the identity base URL.
pub(crate) fn router(ctx: Ctx) -> Router {
    Router::new()
        .route("/accounts/prelogin", post(prelogin))
        .route("/accounts/prelogin/password", post(prelogin))
        .route("/connect/token", post(token))
        .with_state(ctx)
}

#[derive(Deserialize)]
struct PreloginRequest {
    #[serde(default)]
    email: String,
}

/// `POST /accounts/prelogin[/password]`: the account's KDF and salt; unknown e-mails get a
/// fake but stable answer so accounts cannot be enumerated.
async fn prelogin(State(ctx): State<Ctx>, Json(body): Json<PreloginRequest>) -> Json<Value> {
    let email = body.email.trim().to_lowercase();
    let kdf = ctx
        .shared
        .world()
        .user(ctx.realm, &email)
        .map(|u| u.kdf)
        .unwrap_or_else(|| fake_kdf(&email));
    let (kind, iterations, memory, parallelism) = kdf_parts(&kdf);
    Json(json!({
        "kdf": kind,
        "kdfIterations": iterations,
        "kdfMemory": memory,
        "kdfParallelism": parallelism,
        "kdfSettings": {
            "kdfType": kind,
            "iterations": iterations,
            "memory": memory,
            "parallelism": parallelism,
        },
        "salt": email,
    }))
}

/// The KDF shown for an unknown e-mail: picked from the server's pool by the e-mail.
fn fake_kdf(email: &str) -> Kdf {
    match Sha256::digest(email.as_bytes())[0] % 4 {
        0 => Kdf::Pbkdf2 {
            iterations: 600_000,
        },
        1 => Kdf::Pbkdf2 {
            iterations: 100_000,
        },
        2 => Kdf::Pbkdf2 { iterations: 5_000 },
        _ => Kdf::Argon2id {
            iterations: 3,
            memory_mib: 64,
            parallelism: 4,
        },
    }
}

/// `KdfType`, iterations, memory (MiB) and parallelism as the server reports them.
pub(crate) fn kdf_parts(kdf: &Kdf) -> (u8, u32, Option<u32>, Option<u32>) {
    match *kdf {
        Kdf::Pbkdf2 { iterations } => (0, iterations, None, None),
        Kdf::Argon2id {
            iterations,
            memory_mib,
            parallelism,
        } => (1, iterations, Some(memory_mib), Some(parallelism)),
    }
}

/// The form of a token request; names are matched ignoring case, as Duende does.
struct TokenForm(HashMap<String, String>);

impl TokenForm {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(&name.to_ascii_lowercase()).map(String::as_str)
    }

    /// A field that is present and not blank.
    fn filled(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.trim().is_empty())
    }

    fn scopes(&self) -> Vec<String> {
        self.get("scope")
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    }
}

/// A 400 token-endpoint error with optional custom response entries.
fn grant_error(error: &str, description: Option<&str>, custom: Map<String, Value>) -> Response {
    let mut body = Map::new();
    body.insert("error".into(), Value::from(error));
    if let Some(description) = description {
        body.insert("error_description".into(), Value::from(description));
    }
    body.extend(custom);
    (StatusCode::BAD_REQUEST, Json(Value::Object(body))).into_response()
}

/// The `ErrorModel` entry the clients read, PascalCase as Duende writes custom entries.
fn error_model(message: &str) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert(
        "ErrorModel".into(),
        json!({ "Message": message, "Object": "error" }),
    );
    map
}

/// `POST /connect/token`.
async fn token(
    State(ctx): State<Ctx>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let form = TokenForm(
        fields
            .into_iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v))
            .collect(),
    );
    match form.get("grant_type").unwrap_or_default() {
        "password" => password_grant(&ctx, &headers, &form).await,
        "client_credentials" => {
            let client_id = form.get("client_id").unwrap_or_default();
            if client_id.starts_with("installation.") {
                installation_grant(&ctx, &form)
            } else if client_id.starts_with("user.") {
                api_key_grant(&ctx, &headers, &form).await
            } else {
                grant_error("invalid_client", None, Map::new())
            }
        }
        "refresh_token" => refresh_grant(&ctx, &form),
        _ => grant_error("unsupported_grant_type", None, Map::new()),
    }
}

/// Waits the server's brute-force delay, then answers.
async fn after_delay(ctx: &Ctx, response: Response) -> Response {
    tokio::time::sleep(ctx.shared.config.failure_delay).await;
    response
}

async fn password_grant(ctx: &Ctx, headers: &HeaderMap, form: &TokenForm) -> Response {
    let client_id = form.get("client_id").unwrap_or_default().to_owned();
    if !STATIC_CLIENTS.contains(&client_id.as_str()) {
        return grant_error("invalid_client", None, Map::new());
    }
    let mut scopes = form.scopes();
    if scopes.is_empty() {
        scopes = vec!["api".into(), "offline_access".into()];
    }
    if scopes.iter().any(|s| s != "api" && s != "offline_access") {
        return grant_error("invalid_scope", None, Map::new());
    }
    let username = form
        .get("username")
        .unwrap_or_default()
        .trim()
        .to_lowercase();
    let password = form.get("password").unwrap_or_default().to_owned();

    // 1. Credentials.
    let user = {
        let world = ctx.shared.world();
        world
            .user(ctx.realm, &username)
            .filter(|u| secret_eq(&u.keys.server_hash, &password))
            .cloned()
    };
    let Some(user) = user else {
        let response = grant_error(
            "invalid_grant",
            Some("invalid_username_or_password"),
            error_model("Username or password is incorrect. Try again."),
        );
        return after_delay(ctx, response).await;
    };

    // 2. Client version.
    if let Some(refusal) = check_client_version(headers, &user) {
        return after_delay(ctx, refusal).await;
    }

    // 3. Two-step login.
    let two_factor_required = user.totp_secret.is_some() || user.email_two_factor;
    let mut remember = None;
    if two_factor_required {
        match two_factor(ctx, &user, form) {
            TwoFactor::Passed { remember: r } => remember = r,
            TwoFactor::Prompt(response) => return response,
            TwoFactor::Invalid => {
                let response = grant_error(
                    "invalid_grant",
                    None,
                    error_model("Two-step token is invalid. Try again."),
                );
                return after_delay(ctx, response).await;
            }
        }
    }

    // 4. Device and new-device verification.
    if let Some(response) = check_device(ctx, &user, form, !two_factor_required) {
        return after_delay(ctx, response).await;
    }

    let refresh = scopes.iter().any(|s| s == "offline_access");
    let mut world = ctx.shared.world();
    if let Some(token) = &remember {
        if let Some(u) = world.user_by_id_mut(user.id) {
            u.remember_tokens.insert(token.clone());
        }
    }
    let device = form.filled("deviceIdentifier").map(str::to_owned);
    let grant = Grant {
        client_id: &client_id,
        scopes: &scopes,
        device: device.as_deref(),
        amr: "Application",
    };
    let issued = issue_user_token(ctx, &mut world, &user, &grant);
    let refresh_token = refresh.then(|| {
        let token = random_string(64);
        world.refresh_tokens.insert(
            token.clone(),
            RefreshGrant {
                realm: ctx.realm,
                user_id: user.id,
                client_id: client_id.clone(),
                scopes: scopes.clone(),
                device: device.clone(),
                expires: Instant::now() + REFRESH_LIFETIME,
            },
        );
        token
    });
    let body = user_token_response(ctx, &user, &issued, refresh_token, &scopes, remember);
    (StatusCode::OK, Json(body)).into_response()
}

/// `ClientVersionValidator`: the header is mandatory; V2 accounts need 2025.11.0.
fn check_client_version(headers: &HeaderMap, user: &User) -> Option<Response> {
    let version = headers
        .get("Bitwarden-Client-Version")
        .and_then(|v| v.to_str().ok())
        .and_then(parse_version);
    let Some(version) = version else {
        let message = "No client version header found, required to prevent encryption errors. Please confirm your client is supplying the header: \"Bitwarden-Client-Version\"";
        return Some(grant_error(
            "version_header_missing",
            Some(message),
            error_model(message),
        ));
    };
    if user.v2_encryption && version < MIN_VERSION_V2 {
        let message = "Please update your app to continue using Bitwarden";
        return Some(grant_error(
            "invalid_client_version",
            Some(message),
            error_model(message),
        ));
    }
    None
}

/// A .NET `Version` like `2025.12.0` (a fourth part and a `-beta` suffix are ignored).
fn parse_version(text: &str) -> Option<(u32, u32, u32)> {
    let core = text.trim().split(['-', '+']).next()?;
    let mut parts = core.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    let build = parts.next().map_or(Some(0), |p| p.parse().ok())?;
    Some((major, minor, build))
}

enum TwoFactor {
    Passed {
        remember: Option<String>,
    },
    /// The "two factor required" answer (no or unusable provider given).
    Prompt(Response),
    Invalid,
}

/// Two-step login: prompt with the providers, or check the code of the chosen provider.
fn two_factor(ctx: &Ctx, user: &User, form: &TokenForm) -> TwoFactor {
    let provider = form.filled("twoFactorProvider").and_then(parse_provider);
    let token = form.filled("twoFactorToken");
    let (Some(provider), Some(token)) = (provider, token) else {
        return TwoFactor::Prompt(two_factor_prompt(ctx, user));
    };
    let mut world = ctx.shared.world();
    let valid = match provider {
        0 => user.totp_secret.as_deref().is_some_and(|secret| {
            totp::verify(secret, token, chrono::Utc::now().timestamp().max(0) as u64)
        }),
        1 => user.email_two_factor && world.take_code(user.id, MailPurpose::TwoFactorEmail, token),
        5 => {
            let known = user.remember_tokens.contains(token);
            if !known {
                drop(world);
                return TwoFactor::Prompt(two_factor_prompt(ctx, user));
            }
            known
        }
        _ => false,
    };
    if !valid {
        return TwoFactor::Invalid;
    }
    let remember =
        (form.get("twoFactorRemember") == Some("1") && provider != 5).then(|| random_string(64));
    TwoFactor::Passed { remember }
}

/// `TwoFactorProviderType` by number or name.
fn parse_provider(text: &str) -> Option<u8> {
    const NAMES: [&str; 9] = [
        "Authenticator",
        "Email",
        "Duo",
        "YubiKey",
        "U2f",
        "Remember",
        "OrganizationDuo",
        "WebAuthn",
        "RecoveryCode",
    ];
    text.trim().parse().ok().or_else(|| {
        NAMES
            .iter()
            .position(|n| *n == text.trim())
            .map(|i| i as u8)
    })
}

/// The 400 "Two factor required." answer; e-mails a code when e-mail is the only provider.
fn two_factor_prompt(ctx: &Ctx, user: &User) -> Response {
    let mut providers = Vec::new();
    let mut details = Map::new();
    if user.totp_secret.is_some() {
        providers.push(Value::from("0"));
        details.insert("0".into(), Value::Null);
    }
    if user.email_two_factor {
        providers.push(Value::from("1"));
        details.insert("1".into(), json!({ "Email": redact_email(&user.email) }));
        if user.totp_secret.is_none() {
            ctx.shared
                .world()
                .send_code(user.id, MailPurpose::TwoFactorEmail);
        }
    }
    let mut custom = Map::new();
    custom.insert("TwoFactorProviders".into(), Value::Array(providers));
    custom.insert("TwoFactorProviders2".into(), Value::Object(details));
    custom.insert("MasterPasswordPolicy".into(), Value::Null);
    custom.insert(
        "SsoEmail2faSessionToken".into(),
        Value::from(random_string(32)),
    );
    custom.insert("Email".into(), Value::from(user.email.clone()));
    grant_error("invalid_grant", Some("Two factor required."), custom)
}

/// `o*****@example.com`: the first character of the local part, the rest starred.
fn redact_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let mut chars = local.chars();
            let first = chars.next().map(String::from).unwrap_or_default();
            format!("{first}{}@{domain}", "*".repeat(chars.count()))
        }
        None => email.to_owned(),
    }
}

/// `DeviceValidator`: device fields are required; unknown devices of accounts with
/// new-device verification need the e-mailed OTP (password grant without two-step only).
/// `Some` is the refusal.
fn check_device(
    ctx: &Ctx,
    user: &User,
    form: &TokenForm,
    verification_applies: bool,
) -> Option<Response> {
    let identifier = form.filled("deviceIdentifier");
    let device_type = form.filled("deviceType");
    let name = form.filled("deviceName");
    let (Some(identifier), Some(_), Some(_)) = (
        identifier,
        device_type.filter(|t| valid_device_type(t)),
        name,
    ) else {
        return Some(device_error(
            "No device information provided",
            "no device information provided",
        ));
    };
    let otp = form.get("newDeviceOtp");
    let mut world = ctx.shared.world();
    let known = user.known_devices.contains(identifier);
    if known && otp.is_none_or(str::is_empty) {
        return None;
    }
    let password_grant = form.get("grant_type") == Some("password");
    if password_grant && verification_applies && user.new_device_verification {
        match otp {
            Some(code) => {
                if !world.take_code(user.id, MailPurpose::NewDeviceVerification, code) {
                    return Some(device_error(
                        "Invalid New Device OTP",
                        "invalid new device otp",
                    ));
                }
            }
            None if user.known_devices.is_empty() => {}
            None => {
                world.send_code(user.id, MailPurpose::NewDeviceVerification);
                return Some(device_error(
                    "New device verification required",
                    "new device verification required",
                ));
            }
        }
    }
    if let Some(u) = world.user_by_id_mut(user.id) {
        u.known_devices.insert(identifier.to_owned());
    }
    None
}

fn valid_device_type(text: &str) -> bool {
    text.trim().parse::<i64>().is_ok() || DEVICE_TYPES.contains(&text.trim())
}

fn device_error(description: &str, message: &str) -> Response {
    grant_error("device_error", Some(description), error_model(message))
}

/// Who a user token is for, besides the account.
struct Grant<'a> {
    client_id: &'a str,
    scopes: &'a [String],
    device: Option<&'a str>,
    amr: &'a str,
}

/// The identity server's own URL (`iss` of its tokens).
fn issuer(ctx: &Ctx) -> String {
    let urls = &ctx.shared.config.urls;
    match ctx.realm {
        Realm::SelfHosted => format!("{}/identity", urls.self_hosted),
        Realm::Cloud(region) => urls
            .cloud(region)
            .map(|(_, identity)| identity.to_owned())
            .unwrap_or_default(),
    }
}

/// Issues an access token (a signed JWT) for a user, with its organization roles as claims.
fn issue_user_token(ctx: &Ctx, world: &mut World, user: &User, grant: &Grant<'_>) -> String {
    let lifetime = ctx.shared.config.token_lifetime;
    let issuer = issuer(ctx);
    let token = jwt::user_token(
        &ctx.shared.config.jwt,
        world,
        ctx.realm,
        user,
        &UserGrant {
            issuer: &issuer,
            client_id: grant.client_id,
            scopes: grant.scopes,
            device: grant.device,
            lifetime,
            amr: grant.amr,
        },
    );
    let owner_of = world.owned_orgs(ctx.realm, user.id);
    world.tokens.insert(
        token.clone(),
        AccessToken {
            realm: ctx.realm,
            subject: Subject::User(user.id),
            scopes: grant.scopes.to_vec(),
            expires: Instant::now() + lifetime,
            owner_of,
        },
    );
    token
}

/// A successful user sign-in: the token fields plus the account's keys and KDF.
fn user_token_response(
    ctx: &Ctx,
    user: &User,
    access_token: &str,
    refresh_token: Option<String>,
    scopes: &[String],
    remember: Option<String>,
) -> Value {
    let (kind, iterations, memory, parallelism) = kdf_parts(&user.kdf);
    let mut body = json!({
        "access_token": access_token,
        "expires_in": ctx.shared.config.token_lifetime.as_secs(),
        "token_type": "Bearer",
        "scope": scopes.join(" "),
        "PrivateKey": user.keys.private_key,
        "AccountKeys": account_keys_json(user),
        "Key": user.keys.key,
        "MasterPasswordPolicy": null,
        "ForcePasswordReset": false,
        "ResetMasterPassword": false,
        "Kdf": kind,
        "KdfIterations": iterations,
        "KdfMemory": memory,
        "KdfParallelism": parallelism,
        "UserDecryptionOptions": {
            "HasMasterPassword": true,
            "Object": "userDecryptionOptions",
            "MasterPasswordUnlock": {
                "Kdf": {
                    "KdfType": kind,
                    "Iterations": iterations,
                    "Memory": memory,
                    "Parallelism": parallelism,
                },
                "MasterKeyEncryptedUserKey": user.keys.key,
                "Salt": user.email.to_lowercase(),
            },
        },
    });
    if let Some(map) = body.as_object_mut() {
        if let Some(refresh) = refresh_token {
            map.insert("refresh_token".into(), Value::from(refresh));
        }
        if let Some(token) = remember {
            map.insert("TwoFactorToken".into(), Value::from(token));
        }
    }
    body
}

/// `AccountKeys` (`PrivateKeysResponseModel`) of a V1 account.
pub(crate) fn account_keys_json(user: &User) -> Value {
    json!({
        "object": "privateKeys",
        "publicKeyEncryptionKeyPair": {
            "object": "publicKeyEncryptionKeyPair",
            "wrappedPrivateKey": user.keys.private_key,
            "publicKey": user.keys.public_key,
            "signedPublicKey": null,
        },
        "signatureKeyPair": null,
        "securityState": null,
    })
}

/// Personal API key sign-in (`client_id=user.<id>`, scope `api`); no refresh token.
async fn api_key_grant(ctx: &Ctx, headers: &HeaderMap, form: &TokenForm) -> Response {
    let id = form
        .get("client_id")
        .and_then(|c| c.strip_prefix("user."))
        .and_then(|id| Uuid::parse_str(id).ok());
    let secret = form.get("client_secret").unwrap_or_default();
    let user = id.and_then(|id| {
        let world = ctx.shared.world();
        world
            .user_by_id(id)
            .filter(|u| u.realm == ctx.realm)
            .filter(|u| u.api_key.as_ref().is_some_and(|k| secret_eq(k, secret)))
            .cloned()
    });
    let Some(user) = user else {
        return grant_error("invalid_client", None, Map::new());
    };
    let scopes = form.scopes();
    if scopes != ["api"] {
        return grant_error("invalid_scope", None, Map::new());
    }
    if let Some(refusal) = check_client_version(headers, &user) {
        return after_delay(ctx, refusal).await;
    }
    if let Some(response) = check_device(ctx, &user, form, false) {
        return after_delay(ctx, response).await;
    }
    let client_id = form.get("client_id").unwrap_or_default().to_owned();
    let grant = Grant {
        client_id: &client_id,
        scopes: &scopes,
        device: form.filled("deviceIdentifier"),
        amr: "Api",
    };
    let issued = issue_user_token(ctx, &mut ctx.shared.world(), &user, &grant);
    let body = user_token_response(ctx, &user, &issued, None, &scopes, None);
    (StatusCode::OK, Json(body)).into_response()
}

/// Installation sign-in (`client_id=installation.<id>`, the installation key as secret),
/// cloud identity only; scopes `api.push`, `api.licensing`, `api.installation`.
fn installation_grant(ctx: &Ctx, form: &TokenForm) -> Response {
    let Realm::Cloud(region) = ctx.realm else {
        return grant_error("invalid_client", None, Map::new());
    };
    let id = form
        .get("client_id")
        .and_then(|c| c.strip_prefix("installation."))
        .and_then(|id| Uuid::parse_str(id).ok());
    let secret = form.get("client_secret").unwrap_or_default();
    let mut world = ctx.shared.world();
    let known = id.filter(|id| {
        world
            .installations
            .iter()
            .any(|i| i.id == *id && i.region == region && i.enabled && secret_eq(&i.key, secret))
    });
    let Some(id) = known else {
        return grant_error("invalid_client", None, Map::new());
    };
    let scopes = form.scopes();
    let allowed = ["api.push", "api.licensing", "api.installation"];
    if scopes.is_empty() || scopes.iter().any(|s| !allowed.contains(&s.as_str())) {
        return grant_error("invalid_scope", None, Map::new());
    }
    let token = jwt::installation_token(
        &ctx.shared.config.jwt,
        &issuer(ctx),
        id,
        &scopes,
        INSTALLATION_TOKEN_LIFETIME,
    );
    world.tokens.insert(
        token.clone(),
        AccessToken {
            realm: ctx.realm,
            subject: Subject::Installation(id),
            scopes: scopes.clone(),
            expires: Instant::now() + INSTALLATION_TOKEN_LIFETIME,
            owner_of: Default::default(),
        },
    );
    Json(json!({
        "access_token": token,
        "expires_in": INSTALLATION_TOKEN_LIFETIME.as_secs(),
        "token_type": "Bearer",
        "scope": scopes.join(" "),
    }))
    .into_response()
}

/// `grant_type=refresh_token`: a new access token with the memberships of now.
fn refresh_grant(ctx: &Ctx, form: &TokenForm) -> Response {
    let presented = form.get("refresh_token").unwrap_or_default().to_owned();
    let client_id = form.get("client_id").unwrap_or_default();
    let mut world = ctx.shared.world();
    let now = Instant::now();
    let grant = world
        .refresh_tokens
        .get(&presented)
        .filter(|g| g.realm == ctx.realm && g.client_id == client_id && now < g.expires)
        .cloned();
    let Some(grant) = grant else {
        return grant_error("invalid_grant", None, Map::new());
    };
    let Some(user) = world.user_by_id(grant.user_id).cloned() else {
        return grant_error("invalid_grant", None, Map::new());
    };
    if let Some(g) = world.refresh_tokens.get_mut(&presented) {
        g.expires = now + REFRESH_LIFETIME;
    }
    let issued = issue_user_token(
        ctx,
        &mut world,
        &user,
        &Grant {
            client_id: &grant.client_id,
            scopes: &grant.scopes,
            device: grant.device.as_deref(),
            amr: "Application",
        },
    );
    drop(world);
    let body = user_token_response(ctx, &user, &issued, Some(presented), &grant.scopes, None);
    (StatusCode::OK, Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_like_dotnet_and_compare_in_order() {
        assert_eq!(parse_version("2025.12.0"), Some((2025, 12, 0)));
        assert_eq!(parse_version("2025.1"), Some((2025, 1, 0)));
        assert_eq!(parse_version("2025.11.1-beta"), Some((2025, 11, 1)));
        assert_eq!(parse_version("latest"), None);
        assert!(parse_version("2025.10.3").unwrap() < MIN_VERSION_V2);
    }

    #[test]
    fn redacted_email_keeps_the_first_letter_and_the_domain() {
        assert_eq!(redact_email("email2fa@example.com"), "e*******@example.com");
    }

    #[test]
    fn unknown_emails_always_get_the_same_fake_kdf() {
        assert_eq!(
            fake_kdf("nobody@example.com"),
            fake_kdf("nobody@example.com")
        );
    }
}
