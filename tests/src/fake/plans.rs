//! Plans as the server's static store describes them: display name, product tier, billing
//! cadence and the features a license for the plan carries.

/// `ProductTierType`: Free 0, Families 1, Teams 2, Enterprise 3, TeamsStarter 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    Free = 0,
    Families = 1,
    Teams = 2,
    Enterprise = 3,
    TeamsStarter = 4,
}

/// The tier of a `PlanType`, as `BillingExtensions.GetProductTier` maps it (Custom counts
/// as Free there; unknown values are treated as Free).
pub fn tier(plan_type: u8) -> Tier {
    match plan_type {
        1 | 7 | 22 => Tier::Families,
        16 | 21 => Tier::TeamsStarter,
        2 | 3 | 8 | 9 | 12 | 13 | 17 | 18 => Tier::Teams,
        4 | 5 | 10 | 11 | 14 | 15 | 19 | 20 => Tier::Enterprise,
        _ => Tier::Free,
    }
}

/// The plan's display name (`Plan.Name`), which licenses carry as `Plan`.
pub fn name(plan_type: u8) -> &'static str {
    match plan_type {
        0 => "Free",
        1 => "Families 2019",
        2 => "Teams (Monthly) 2019",
        3 => "Teams (Annually) 2019",
        4 => "Enterprise (Monthly) 2019",
        5 => "Enterprise (Annually) 2019",
        6 => "Custom",
        7 => "Families 2025",
        8 => "Teams (Monthly) 2020",
        9 => "Teams (Annually) 2020",
        10 => "Enterprise (Monthly) 2020",
        11 => "Enterprise (Annually) 2020",
        12 => "Teams (Monthly) 2023",
        13 => "Teams (Annually) 2023",
        14 => "Enterprise (Monthly) 2023",
        15 => "Enterprise (Annually) 2023",
        16 => "Teams (Starter) 2023",
        17 => "Teams (Monthly)",
        18 => "Teams (Annually)",
        19 => "Enterprise (Monthly)",
        20 => "Enterprise (Annually)",
        21 => "Teams (Starter)",
        22 => "Families",
        _ => "Unknown",
    }
}

/// Whether the plan is billed yearly (annual subscriptions get the 60-day grace period).
pub fn is_annual(plan_type: u8) -> bool {
    matches!(plan_type, 1 | 3 | 5 | 7 | 9 | 11 | 13 | 15 | 18 | 20 | 22)
}

/// The features a plan includes, as licenses and organizations carry them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Features {
    pub self_host: bool,
    pub use_policies: bool,
    pub use_sso: bool,
    pub use_key_connector: bool,
    pub use_scim: bool,
    pub use_groups: bool,
    pub use_events: bool,
    pub use_directory: bool,
    pub use_totp: bool,
    pub use_2fa: bool,
    pub use_api: bool,
    pub use_reset_password: bool,
    pub users_get_premium: bool,
    pub use_custom_permissions: bool,
    pub use_secrets_manager: bool,
    pub use_password_manager: bool,
}

/// What a plan of this type includes.
pub fn features(plan_type: u8) -> Features {
    let teams = Features {
        self_host: true,
        use_groups: true,
        use_events: true,
        use_directory: true,
        use_totp: true,
        use_2fa: true,
        use_api: true,
        users_get_premium: true,
        use_password_manager: true,
        ..Features::default()
    };
    match tier(plan_type) {
        _ if plan_type == 6 => enterprise(),
        Tier::Free => Features {
            use_password_manager: true,
            ..Features::default()
        },
        Tier::Families => Features {
            self_host: true,
            use_totp: true,
            users_get_premium: true,
            use_password_manager: true,
            ..Features::default()
        },
        Tier::Teams => teams,
        Tier::TeamsStarter => Features {
            self_host: false,
            ..teams
        },
        Tier::Enterprise => enterprise(),
    }
}

fn enterprise() -> Features {
    Features {
        self_host: true,
        use_policies: true,
        use_sso: true,
        use_key_connector: true,
        use_scim: true,
        use_groups: true,
        use_events: true,
        use_directory: true,
        use_totp: true,
        use_2fa: true,
        use_api: true,
        use_reset_password: true,
        users_get_premium: true,
        use_custom_permissions: true,
        use_secrets_manager: false,
        use_password_manager: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_follow_the_server_mapping() {
        assert_eq!(tier(20), Tier::Enterprise);
        assert_eq!(tier(18), Tier::Teams);
        assert_eq!(tier(21), Tier::TeamsStarter);
        assert_eq!(tier(22), Tier::Families);
        assert_eq!(tier(6), Tier::Free);
        assert!(!features(21).self_host && features(20).use_sso && !features(18).use_sso);
    }
}
