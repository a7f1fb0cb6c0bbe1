//! Where each server's API and identity live: a self-hosted vault serves both under its own
//! URL (`{vault}/api`, `{vault}/identity`), the cloud regions on separate hosts (contract §4).

use std::net::IpAddr;

use reqwest::Url;
use serde::{Deserialize, Serialize};

use super::errors::BitwardenError;
use crate::installation::Region;
use crate::messages::Phrase;

/// Which kind of Bitwarden server a set of endpoints belongs to. Written as
/// `self_hosted`, `cloud_us` or `cloud_eu`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[cfg_attr(
    feature = "typescript",
    ts(type = r#""self_hosted" | "cloud_us" | "cloud_eu""#)
)]
pub enum ServerKind {
    SelfHosted,
    Cloud(Region),
}

impl ServerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ServerKind::SelfHosted => "self_hosted",
            ServerKind::Cloud(Region::Us) => "cloud_us",
            ServerKind::Cloud(Region::Eu) => "cloud_eu",
        }
    }
}

impl Serialize for ServerKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ServerKind {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        [
            ServerKind::SelfHosted,
            ServerKind::Cloud(Region::Us),
            ServerKind::Cloud(Region::Eu),
        ]
        .into_iter()
        .find(|kind| kind.as_str() == text)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown server kind {text:?}")))
    }
}

/// Replacement base URLs for the cloud (a proxy, a test server); `None` keeps the region's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CloudUrls {
    pub api: Option<String>,
    pub identity: Option<String>,
}

/// The API and identity base URLs of one server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub kind: ServerKind,
    /// The vault URL (self-hosted) or the identity URL (cloud): names the server in
    /// sessions and keychain entries, so two servers never share them.
    pub server: String,
    pub api: Url,
    pub identity: Url,
}

impl Endpoints {
    /// A self-hosted server from its vault URL as typed (`https://` is assumed when no
    /// scheme is given; a trailing slash, query or fragment is dropped).
    pub fn self_hosted(vault: &str) -> Result<Endpoints, BitwardenError> {
        let base = base_url(vault)?;
        Ok(Endpoints {
            kind: ServerKind::SelfHosted,
            api: join(&base, "/api", vault)?,
            identity: join(&base, "/identity", vault)?,
            server: base,
        })
    }

    /// A cloud region, with optional replacement base URLs.
    pub fn cloud(region: Region, urls: &CloudUrls) -> Result<Endpoints, BitwardenError> {
        let api_text = urls.api.as_deref().unwrap_or(region.api_uri());
        let identity_text = urls.identity.as_deref().unwrap_or(region.identity_uri());
        let api = base_url(api_text)?;
        let identity = base_url(identity_text)?;
        Ok(Endpoints {
            kind: ServerKind::Cloud(region),
            api: parse(&api, api_text)?,
            identity: parse(&identity, identity_text)?,
            server: identity,
        })
    }

    /// A URL under the API, e.g. `api_url("/accounts/profile")`.
    pub fn api_url(&self, path: &str) -> Result<Url, BitwardenError> {
        join(self.api.as_str(), path, path)
    }

    /// A URL under the identity server, e.g. `identity_url("/connect/token")`.
    pub fn identity_url(&self, path: &str) -> Result<Url, BitwardenError> {
        join(self.identity.as_str(), path, path)
    }

    /// How the server is named to a person.
    pub fn label(&self) -> String {
        match self.kind {
            ServerKind::SelfHosted => self.server.clone(),
            ServerKind::Cloud(region) => format!("Bitwarden cloud ({region})"),
        }
    }
}

/// Whether a URL points to this machine (127.0.0.0/8, ::1, `localhost`).
pub fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match host.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => {
            let name = host.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
    }
}

/// Refuses plain `http://` to anything but this machine, unless the user insists.
pub fn check_transport(url: &Url, allow_insecure_http: bool) -> Result<(), BitwardenError> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if allow_insecure_http || is_loopback(url) => Ok(()),
        "http" => Err(BitwardenError::InsecureHttp {
            url: url.as_str().trim_end_matches('/').to_owned(),
        }),
        other => Err(BitwardenError::InvalidUrl {
            input: url.to_string(),
            reason: Phrase::new("url_fault.scheme").with("scheme", other),
        }),
    }
}

/// The normalised base URL without a trailing slash.
fn base_url(input: &str) -> Result<String, BitwardenError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(invalid(input, Phrase::new("url_fault.empty")));
    }
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("https://{trimmed}")
    };
    let mut url = Url::parse(&with_scheme).map_err(|e| invalid(input, unparsable(e)))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(input, Phrase::new("url_fault.not_http")));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid(input, Phrase::new("url_fault.no_host")));
    }
    if !url.username().is_empty() || url.password().is_some() {
        // The refusal quotes the address, so the password in it is masked.
        if url.password().is_some() {
            let _ = url.set_password(Some("***"));
        }
        return Err(invalid(url.as_str(), Phrase::new("url_fault.credentials")));
    }
    url.set_query(None);
    url.set_fragment(None);
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn join(base: &str, path: &str, input: &str) -> Result<Url, BitwardenError> {
    parse(
        &format!(
            "{}/{}",
            base.trim_end_matches('/'),
            path.trim_start_matches('/')
        ),
        input,
    )
}

fn parse(text: &str, input: &str) -> Result<Url, BitwardenError> {
    Url::parse(text).map_err(|e| invalid(input, unparsable(e)))
}

fn invalid(input: &str, reason: Phrase) -> BitwardenError {
    BitwardenError::InvalidUrl {
        input: input.to_owned(),
        reason,
    }
}

/// Why an address could not be read as a URL, in the catalog's words; the English is the
/// URL parser's own.
fn unparsable(error: url::ParseError) -> Phrase {
    use url::ParseError::*;
    let key = match error {
        EmptyHost => "url_fault.empty_host",
        IdnaError => "url_fault.international_name",
        InvalidPort => "url_fault.port",
        InvalidIpv4Address => "url_fault.ipv4",
        InvalidIpv6Address => "url_fault.ipv6",
        InvalidDomainCharacter => "url_fault.domain_character",
        _ => return Phrase::new("url_fault.other").with("detail", error),
    };
    Phrase::new(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn self_hosted_api_and_identity_live_under_the_vault_url() {
        let e = Endpoints::self_hosted("https://vault.example.com/").unwrap();
        assert_eq!(e.server, "https://vault.example.com");
        assert_eq!(e.api.as_str(), "https://vault.example.com/api");
        assert_eq!(
            e.identity_url("/connect/token").unwrap().as_str(),
            "https://vault.example.com/identity/connect/token"
        );
        assert_eq!(
            e.api_url("/organizations/connections/enabled")
                .unwrap()
                .as_str(),
            "https://vault.example.com/api/organizations/connections/enabled"
        );
    }

    #[test]
    fn a_vault_in_a_sub_path_keeps_the_path() {
        let e = Endpoints::self_hosted("vault.example.com:8443/bitwarden").unwrap();
        assert_eq!(e.server, "https://vault.example.com:8443/bitwarden");
        assert_eq!(
            e.api_url("/accounts/profile").unwrap().as_str(),
            "https://vault.example.com:8443/bitwarden/api/accounts/profile"
        );
    }

    #[test]
    fn cloud_regions_use_the_published_hosts_unless_overridden() {
        let eu = Endpoints::cloud(Region::Eu, &CloudUrls::default()).unwrap();
        assert_eq!(eu.api.as_str(), "https://api.bitwarden.eu/");
        assert_eq!(
            eu.identity_url("/connect/token").unwrap().as_str(),
            "https://identity.bitwarden.eu/connect/token"
        );
        assert_eq!(eu.label(), "Bitwarden cloud (EU)");
        let proxied = Endpoints::cloud(
            Region::Us,
            &CloudUrls {
                api: Some("http://127.0.0.1:4000".into()),
                identity: None,
            },
        )
        .unwrap();
        assert_eq!(
            proxied
                .api_url("/account/billing/vnext/license")
                .unwrap()
                .as_str(),
            "http://127.0.0.1:4000/account/billing/vnext/license"
        );
        assert_eq!(proxied.server, "https://identity.bitwarden.com");
    }

    #[test]
    fn plain_http_is_only_allowed_to_this_machine_unless_insisted() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.8.9.10",
            "http://[::1]:80",
            "http://localhost:3000",
            "https://vault.example.com",
        ] {
            assert!(
                check_transport(&Url::parse(ok).unwrap(), false).is_ok(),
                "{ok}"
            );
        }
        let remote = Url::parse("http://vault.example.com").unwrap();
        let refused = check_transport(&remote, false).unwrap_err();
        assert!(matches!(refused, BitwardenError::InsecureHttp { .. }));
        assert!(check_transport(&remote, true).is_ok());
        let lan = Url::parse("http://192.168.1.10").unwrap();
        assert!(check_transport(&lan, false).is_err());
    }

    #[test]
    fn urls_with_credentials_or_other_schemes_are_refused() {
        for bad in [
            "",
            "ftp://vault.example.com",
            "https://admin:pw@vault.example.com",
            "https://",
        ] {
            assert!(
                matches!(
                    Endpoints::self_hosted(bad),
                    Err(BitwardenError::InvalidUrl { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_refused_address_never_repeats_the_password_in_it() {
        let refused = Endpoints::self_hosted("https://admin:s3cret@vault.example.com").unwrap_err();
        let BitwardenError::InvalidUrl { input, .. } = &refused else {
            panic!("{refused:?}");
        };
        assert_eq!(input, "https://admin:***@vault.example.com/");
        assert!(!refused.to_string().contains("s3cret"), "{refused}");
        assert!(!format!("{refused:?}").contains("s3cret"));
    }

    #[test]
    fn why_an_address_is_refused_is_said_in_both_languages() {
        let reason = |input: &str| match Endpoints::self_hosted(input) {
            Err(BitwardenError::InvalidUrl { reason, .. }) => reason,
            other => panic!("{input}: {other:?}"),
        };
        let typo = reason("vault example.com");
        assert_eq!(typo.say("en"), "invalid international domain name");
        assert_eq!(typo.say("zh-CN"), "国际化域名无效");
        assert_eq!(
            reason("vault.example.com:99999").say("en"),
            "invalid port number"
        );
        assert_eq!(
            reason("ftp://vault").say("zh-CN"),
            "只支持 http:// 和 https://"
        );
    }

    #[test]
    fn the_url_parsers_faults_keep_its_english() {
        use url::ParseError::*;
        for fault in [
            EmptyHost,
            IdnaError,
            InvalidPort,
            InvalidIpv4Address,
            InvalidIpv6Address,
            InvalidDomainCharacter,
            RelativeUrlWithoutBase,
        ] {
            assert_eq!(unparsable(fault).say("en"), fault.to_string());
        }
    }
}
