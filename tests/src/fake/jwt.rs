//! Access tokens as Bitwarden's identity server issues them: RS256 JWTs (Duende
//! IdentityServer) signed with a key made at start. The claims are those of
//! `src/Identity/IdentityServer/ProfileService.cs` and `src/Core/Utilities/CoreHelpers.cs`
//! `BuildIdentityClaims` in `bitwarden/server`: `sub`, `email`, `email_verified`, `name`,
//! `premium`, `sstamp`, `device`, the organization role claims (`orgowner`, `orgadmin`,
//! `orguser`, `orgcustom`), plus Duende's `nbf`, `iat`, `exp`, `iss`, `client_id`, `jti`,
//! `scope`, `amr`, `auth_time`, `idp`. Official clients decode the payload (`sub`, `email`,
//! `premium`, `exp`); the fake still checks tokens by its own table, so revocation,
//! refresh and expiry behave as before.

use std::time::Duration;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::RsaPrivateKey;
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::seed::MemberRole;
use super::state::{Member, Realm, User, World};

/// The signing key of one server.
pub(crate) struct Signer {
    key: EncodingKey,
    kid: String,
}

impl Signer {
    pub(crate) fn new(key: &RsaPrivateKey) -> anyhow::Result<Self> {
        let der = key.to_pkcs1_der()?;
        Ok(Signer {
            key: EncodingKey::from_rsa_der(der.as_bytes()),
            kid: Uuid::new_v4().simple().to_string().to_uppercase(),
        })
    }

    /// Signs `claims` as an `at+jwt` access token.
    fn sign(&self, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        header.typ = Some("at+jwt".into());
        jsonwebtoken::encode(&header, claims, &self.key)
            .unwrap_or_else(|e| panic!("signing an access token failed: {e}"))
    }
}

/// What goes into a user's token besides the account itself.
pub(crate) struct UserGrant<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub scopes: &'a [String],
    pub device: Option<&'a str>,
    pub lifetime: Duration,
    /// `Application` for password sign-ins, `Api` for API keys (Duende's `amr`).
    pub amr: &'a str,
}

/// A signed access token for `user` with its organization roles as of now.
pub(crate) fn user_token(
    signer: &Signer,
    world: &World,
    realm: Realm,
    user: &User,
    grant: &UserGrant<'_>,
) -> String {
    let now = chrono::Utc::now().timestamp();
    let mut claims = Map::new();
    claims.insert("nbf".into(), json!(now));
    claims.insert("iat".into(), json!(now));
    claims.insert("exp".into(), json!(now + grant.lifetime.as_secs() as i64));
    claims.insert("iss".into(), json!(grant.issuer));
    claims.insert("client_id".into(), json!(grant.client_id));
    claims.insert("sub".into(), json!(user.id));
    claims.insert("auth_time".into(), json!(now));
    claims.insert("idp".into(), json!("bitwarden"));
    claims.insert("premium".into(), json!(user.premium));
    claims.insert("email".into(), json!(user.email));
    claims.insert("email_verified".into(), json!(user.email_verified));
    claims.insert("name".into(), json!(user.name));
    claims.insert("sstamp".into(), json!(security_stamp(user)));
    if let Some(device) = grant.device {
        claims.insert("device".into(), json!(device));
    }
    for (claim, orgs) in org_role_claims(world, realm, user.id) {
        // Duende writes one value as a string and several as an array.
        let value = match orgs.as_slice() {
            [one] => json!(one),
            many => json!(many),
        };
        claims.insert(claim.into(), value);
    }
    claims.insert(
        "jti".into(),
        json!(Uuid::new_v4().simple().to_string().to_uppercase()),
    );
    claims.insert("scope".into(), json!(grant.scopes));
    claims.insert("amr".into(), json!([grant.amr]));
    signer.sign(&Value::Object(claims))
}

/// A signed installation token (`client_id=installation.<id>`, `InstallationClientProvider`:
/// `sub` and `type` claims name the installation).
pub(crate) fn installation_token(
    signer: &Signer,
    issuer: &str,
    id: Uuid,
    scopes: &[String],
    lifetime: Duration,
) -> String {
    let now = chrono::Utc::now().timestamp();
    signer.sign(&json!({
        "nbf": now,
        "iat": now,
        "exp": now + lifetime.as_secs() as i64,
        "iss": issuer,
        "client_id": format!("installation.{id}"),
        "client_sub": id,
        "client_type": "installation",
        "jti": Uuid::new_v4().simple().to_string().to_uppercase(),
        "scope": scopes,
    }))
}

/// The account's security stamp (stable per account; `ProfileResponseModel.securityStamp`).
pub(crate) fn security_stamp(user: &User) -> Uuid {
    Uuid::new_v5(&user.id, b"security-stamp")
}

/// `orgowner`/`orgadmin`/`orguser`/`orgcustom` with the organizations of each role
/// (`CoreHelpers.BuildIdentityClaims`, confirmed memberships only).
fn org_role_claims(world: &World, realm: Realm, user_id: Uuid) -> Vec<(&'static str, Vec<Uuid>)> {
    let mut roles: Vec<(&'static str, Vec<Uuid>)> = Vec::new();
    let mut add = |org: Uuid, members: &[Member]| {
        let Some(member) = members.iter().find(|m| m.user_id == user_id) else {
            return;
        };
        let claim = match member.role {
            MemberRole::Owner => "orgowner",
            MemberRole::Admin => "orgadmin",
            MemberRole::User => "orguser",
            MemberRole::Custom => "orgcustom",
        };
        match roles.iter_mut().find(|(c, _)| *c == claim) {
            Some((_, orgs)) => orgs.push(org),
            None => roles.push((claim, vec![org])),
        }
    };
    match realm {
        Realm::SelfHosted => world
            .self_hosted_orgs
            .iter()
            .for_each(|o| add(o.id, &o.members)),
        Realm::Cloud(region) => world
            .cloud_orgs
            .iter()
            .filter(|o| o.region == region)
            .for_each(|o| add(o.id, &o.members)),
    }
    roles
}
