//! The two-step login methods the identity server offers (`TwoFactorProviderType`), as
//! its token endpoint names them and a sign-in asks for them.

use serde::Serialize;

/// A two-step login method (`TwoFactorProviderType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TwoFactorProvider {
    Authenticator,
    Email,
    Duo,
    YubiKey,
    U2f,
    Remember,
    OrganizationDuo,
    WebAuthn,
    RecoveryCode,
    Other(u8),
}

impl TwoFactorProvider {
    const NAMED: [TwoFactorProvider; 9] = [
        TwoFactorProvider::Authenticator,
        TwoFactorProvider::Email,
        TwoFactorProvider::Duo,
        TwoFactorProvider::YubiKey,
        TwoFactorProvider::U2f,
        TwoFactorProvider::Remember,
        TwoFactorProvider::OrganizationDuo,
        TwoFactorProvider::WebAuthn,
        TwoFactorProvider::RecoveryCode,
    ];

    /// The number the server uses.
    pub fn id(self) -> u8 {
        match self {
            TwoFactorProvider::Other(id) => id,
            named => Self::NAMED.iter().position(|p| *p == named).unwrap_or(0) as u8,
        }
    }

    pub fn from_id(id: u8) -> TwoFactorProvider {
        Self::NAMED
            .get(usize::from(id))
            .copied()
            .unwrap_or(TwoFactorProvider::Other(id))
    }

    /// From the server's enum name, e.g. `Authenticator`.
    pub fn from_name(name: &str) -> Option<TwoFactorProvider> {
        Self::NAMED
            .iter()
            .copied()
            .find(|p| format!("{p:?}").eq_ignore_ascii_case(name))
    }

    /// The name a person sees.
    pub fn name(self) -> &'static str {
        match self {
            TwoFactorProvider::Authenticator => "Authenticator",
            TwoFactorProvider::Email => "Email",
            TwoFactorProvider::Duo => "Duo",
            TwoFactorProvider::YubiKey => "YubiKey",
            TwoFactorProvider::U2f => "U2F",
            TwoFactorProvider::Remember => "Remember",
            TwoFactorProvider::OrganizationDuo => "Duo (organization)",
            TwoFactorProvider::WebAuthn => "WebAuthn",
            TwoFactorProvider::RecoveryCode => "Recovery code",
            TwoFactorProvider::Other(_) => "Unknown method",
        }
    }

    /// Whether a code typed by a person completes this method here (Duo, YubiKey and
    /// WebAuthn need a browser or a device).
    pub fn takes_a_typed_code(self) -> bool {
        matches!(
            self,
            TwoFactorProvider::Authenticator | TwoFactorProvider::Email
        )
    }
}

/// One offered two-step method, with the server's hint (the masked e-mail address).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TwoFactorOffer {
    pub provider: TwoFactorProvider,
    pub hint: Option<String>,
}
