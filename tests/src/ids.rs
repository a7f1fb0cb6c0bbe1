//! The accounts, organizations and secrets of the default seed
//! (`tests/data/seeds/default.json`) that tests sign in with and act on, named once.

/// The owner of every seeded organization, on the self-hosted server and in the cloud.
pub const OWNER: &str = "owner@example.com";
pub const OWNER_PASSWORD: &str = "correct horse battery staple";
/// The owner's personal API key on the self-hosted server.
pub const OWNER_SELF_HOSTED_ID: &str = "user.50000000-0000-4000-8000-000000000001";
pub const OWNER_SELF_HOSTED_SECRET: &str = "OwnerSelfHostedApiKeySecret012";
/// The owner's personal API key in the cloud.
pub const OWNER_CLOUD_ID: &str = "user.c0000000-0000-4000-8000-000000000001";
pub const OWNER_CLOUD_SECRET: &str = "OwnerPersonalApiKeySecret01234";
/// A member (no owner) of the seeded organizations.
pub const MEMBER: &str = "member@example.com";
pub const MEMBER_PASSWORD: &str = "member password";
/// An account whose KDF is Argon2id.
pub const ARGON: &str = "argon@example.com";
pub const ARGON_PASSWORD: &str = "argon password";
/// The authenticator secret of the account with two-step login.
pub const TOTP_SECRET: &str = "JBSWY3DPEHPK3PXP";
/// Acme Corp (Enterprise) in the cloud, and its self-hosted copy with its billing sync token.
pub const ACME_CLOUD: &str = "a0000000-0000-4000-8000-000000000001";
pub const ACME_SELF_HOSTED: &str = "b0000000-0000-4000-8000-000000000001";
pub const ACME_TOKEN: &str = "AcmeBillingSyncToken0123456789";
/// Acme Teams and Acme Family in the cloud.
pub const ACME_TEAMS: &str = "a0000000-0000-4000-8000-000000000002";
pub const ACME_FAMILY: &str = "a0000000-0000-4000-8000-000000000004";

#[cfg(test)]
mod tests {
    use super::*;

    /// A seed edit that renames one of these breaks here, not in a far-away test.
    #[test]
    fn every_name_is_in_the_default_seed() {
        let seed = include_str!("../data/seeds/default.json");
        let bare = |id: &str| id.trim_start_matches("user.").to_owned();
        for value in [
            OWNER,
            OWNER_PASSWORD,
            OWNER_SELF_HOSTED_ID,
            OWNER_SELF_HOSTED_SECRET,
            OWNER_CLOUD_ID,
            OWNER_CLOUD_SECRET,
            MEMBER,
            MEMBER_PASSWORD,
            ARGON,
            ARGON_PASSWORD,
            TOTP_SECRET,
            ACME_CLOUD,
            ACME_SELF_HOSTED,
            ACME_TOKEN,
            ACME_TEAMS,
            ACME_FAMILY,
        ] {
            assert!(
                seed.contains(&bare(value)),
                "{value} is not in the default seed"
            );
        }
    }
}
