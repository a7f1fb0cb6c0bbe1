//! Turning a seed into the world the server starts with: accounts registered as a client
//! would, cloud organizations with their subscriptions and keys, and self-hosted
//! organizations created from licenses the cloud role issued for them.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use anyhow::{anyhow, Context};
use chrono::{DateTime, Duration, Utc};
use companion_core::crypto::{Kdf, SymmetricKey, Zeroizing};
use rsa::{RsaPrivateKey, RsaPublicKey};
use secrecy::SecretString;
use serde_json::json;
use uuid::Uuid;

use super::keys::{account_keys, cached_account_keys, kdf_of, random_string, rsa_key, KeyCursor};
use super::plans;
use super::seed::{
    CloudOrganizationSeed, MemberRole, MemberSeed, Seed, SelfHostedOrganizationSeed, UserSeed,
};
use super::state::{
    CloudOrg, Connection, Installation, Member, OrgApiKey, Realm, SelfHostedOrg,
    SelfHostedSettings, Subscription, Urls, Usage, User, World,
};
use super::{issue, license_files, upload};

/// What building needs besides the seed.
pub(crate) struct Inputs<'a> {
    pub urls: &'a Urls,
    pub licensing_key: &'a RsaPrivateKey,
    /// The licensing key's public half, which uploads are checked against.
    pub verifying_key: &'a RsaPublicKey,
    pub license_dir: &'a Path,
    pub cursor: &'a mut KeyCursor,
}

/// Builds the world of a seed, writing the license files of seeded organizations.
pub(crate) fn world(seed: &Seed, mut inputs: Inputs<'_>) -> anyhow::Result<World> {
    let now = Utc::now();
    let mut world = World::default();
    let accounts: Vec<(&UserSeed, Realm)> = seed
        .cloud
        .users
        .iter()
        .map(|u| (u, Realm::Cloud(u.region)))
        .chain(
            seed.self_hosted
                .users
                .iter()
                .map(|u| (u, Realm::SelfHosted)),
        )
        .collect();
    derive_in_parallel(&accounts, inputs.cursor)?;
    world.users = accounts
        .iter()
        .map(|(user, realm)| make_user(user, *realm, now))
        .collect::<anyhow::Result<Vec<User>>>()?;
    for installation in &seed.cloud.installations {
        world.installations.push(Installation {
            id: installation.id,
            region: installation.region,
            enabled: installation.enabled,
            key: SecretString::from(installation.key.clone()),
        });
    }
    for org in &seed.cloud.organizations {
        let made = make_cloud_org(&world, org, now)?;
        world.cloud_orgs.push(made);
    }

    let sh = &seed.self_hosted;
    let cloud = inputs.urls.cloud(sh.region).ok_or_else(|| {
        anyhow!(
            "the self-hosted region {:?} is not served; set eu_region",
            sh.region
        )
    })?;
    world.self_hosted = Some(SelfHostedSettings {
        installation_id: sh.installation_id,
        enable_cloud_communication: sh.enable_cloud_communication,
        installation_api_uri: sh
            .installation_api_uri
            .clone()
            .unwrap_or_else(|| cloud.0.to_owned()),
        installation_identity_uri: sh
            .installation_identity_uri
            .clone()
            .unwrap_or_else(|| cloud.1.to_owned()),
        premium_upload_vnext: sh.premium_upload_vnext,
        installation_key: SecretString::from(sh.installation_key.clone()),
    });
    for org in &sh.organizations {
        let made = make_self_hosted_org(&world, org, sh.installation_id, now, &mut inputs)?;
        world.self_hosted_orgs.push(made);
    }
    Ok(world)
}

/// Key derivation is the slow part of a start: each distinct set of credentials is derived
/// once, on its own thread, so building the users afterwards only reads the cache.
fn derive_in_parallel(
    accounts: &[(&UserSeed, Realm)],
    cursor: &mut KeyCursor,
) -> anyhow::Result<()> {
    let mut distinct: Vec<(String, &str, Kdf)> = Vec::new();
    for (user, _) in accounts {
        let entry = (
            user.email.trim().to_lowercase(),
            user.master_password.as_str(),
            kdf_of(&user.kdf),
        );
        if !distinct.contains(&entry) {
            distinct.push(entry);
        }
    }
    let first = cursor.reserve(distinct.len())?;
    std::thread::scope(|scope| {
        let workers: Vec<_> = distinct
            .iter()
            .enumerate()
            .map(|(i, (email, password, kdf))| {
                scope.spawn(move || account_keys(email, password, kdf, &rsa_key(first + i)?))
            })
            .collect();
        for worker in workers {
            worker
                .join()
                .map_err(|_| anyhow!("key derivation panicked"))??;
        }
        Ok(())
    })
}

fn days(now: DateTime<Utc>, offset: i64) -> DateTime<Utc> {
    now + Duration::days(offset)
}

fn make_user(seed: &UserSeed, realm: Realm, now: DateTime<Utc>) -> anyhow::Result<User> {
    let email = seed.email.trim().to_lowercase();
    let kdf = kdf_of(&seed.kdf);
    let keys = cached_account_keys(&email, &seed.master_password, &kdf)
        .with_context(|| format!("the keys of {email} were not derived"))?;
    let mut known_devices = HashSet::new();
    if seed.new_device_verification {
        // Signed in elsewhere before, so a new device needs verification.
        known_devices.insert(Uuid::new_v4().to_string());
    }
    Ok(User {
        id: seed.id.unwrap_or_else(Uuid::new_v4),
        realm,
        email,
        name: seed.name.clone().unwrap_or_else(|| seed.email.clone()),
        kdf,
        email_verified: seed.email_verified,
        totp_secret: seed.totp_secret.clone(),
        email_two_factor: seed.email_two_factor,
        new_device_verification: seed.new_device_verification,
        v2_encryption: seed.v2_encryption,
        single_org_policy: seed.single_org_policy,
        premium: seed.premium_days.is_some(),
        premium_expires: seed.premium_days.map(|d| days(now, d)),
        license_key: random_string(20),
        premium_license: None,
        created: now,
        revision: now,
        keys,
        api_key: seed.api_key.clone().map(SecretString::from),
        known_devices,
        remember_tokens: HashSet::new(),
    })
}

/// Resolves an owner and members by e-mail on one server.
fn members(
    world: &World,
    realm: Realm,
    owner: &str,
    others: &[MemberSeed],
) -> anyhow::Result<Vec<(Uuid, MemberRole)>> {
    let find = |email: &str| {
        world
            .user(realm, email)
            .map(|u| u.id)
            .ok_or_else(|| anyhow!("no {realm:?} user {email}"))
    };
    let mut out = vec![(find(owner)?, MemberRole::Owner)];
    for member in others {
        out.push((find(&member.email)?, member.role));
    }
    Ok(out)
}

fn make_cloud_org(
    world: &World,
    seed: &CloudOrganizationSeed,
    now: DateTime<Utc>,
) -> anyhow::Result<CloudOrg> {
    let realm = Realm::Cloud(seed.region);
    let members = members(world, realm, &seed.owner, &seed.members)?
        .into_iter()
        .map(|(user_id, role)| Member {
            user_id,
            role,
            key: None,
        })
        .collect();
    let mut features = plans::features(seed.plan_type);
    let f = &seed.features;
    let overrides = [
        (&mut features.self_host, f.self_host),
        (&mut features.use_policies, f.use_policies),
        (&mut features.use_sso, f.use_sso),
        (&mut features.use_key_connector, f.use_key_connector),
        (&mut features.use_scim, f.use_scim),
        (&mut features.use_groups, f.use_groups),
        (&mut features.use_events, f.use_events),
        (&mut features.use_directory, f.use_directory),
        (&mut features.use_totp, f.use_totp),
        (&mut features.use_2fa, f.use_2fa),
        (&mut features.use_api, f.use_api),
        (&mut features.use_reset_password, f.use_reset_password),
        (&mut features.users_get_premium, f.users_get_premium),
        (
            &mut features.use_custom_permissions,
            f.use_custom_permissions,
        ),
        (&mut features.use_secrets_manager, f.use_secrets_manager),
        (&mut features.use_password_manager, f.use_password_manager),
    ];
    for (field, value) in overrides {
        if let Some(value) = value {
            *field = value;
        }
    }
    let mut api_keys = HashMap::new();
    api_keys.insert(
        0,
        OrgApiKey {
            key: SecretString::from(random_string(30)),
            revision: now,
        },
    );
    if let Some(key) = &seed.billing_sync_key {
        api_keys.insert(
            1,
            OrgApiKey {
                key: SecretString::from(key.clone()),
                revision: now,
            },
        );
    }
    let billing_email = match &seed.billing_email {
        Some(email) => email.clone(),
        None => seed.owner.clone(),
    };
    let sub = &seed.subscription;
    Ok(CloudOrg {
        id: seed.id,
        region: seed.region,
        name: seed.name.clone(),
        billing_email,
        business_name: seed.business_name.clone(),
        plan_type: seed.plan_type,
        seats: seed.seats,
        max_collections: seed.max_collections,
        max_storage_gb: seed.max_storage_gb,
        features,
        enabled: seed.enabled,
        sm_seats: seed.sm_seats,
        sm_service_accounts: seed.sm_service_accounts,
        members,
        subscription: Subscription {
            status: sub.status,
            period_start: days(now, sub.period_start_days),
            period_end: days(now, sub.period_end_days),
            trial_end: sub.trial_end_days.map(|d| days(now, d)),
        },
        expiration_date: seed.expiration_days.map(|d| days(now, d)),
        license_key: seed.license_key.clone(),
        installations: Vec::new(),
        api_keys,
    })
}

fn make_self_hosted_org(
    world: &World,
    seed: &SelfHostedOrganizationSeed,
    installation: Uuid,
    now: DateTime<Utc>,
    inputs: &mut Inputs<'_>,
) -> anyhow::Result<SelfHostedOrg> {
    let cloud = world
        .cloud_org(seed.cloud_organization)
        .ok_or_else(|| anyhow!("no cloud organization {}", seed.cloud_organization))?;
    let license = issue::organization_license(cloud, installation, inputs.licensing_key, now)
        .map_err(|e| anyhow!("cannot issue the license of {}: {e:?}", cloud.name))?;
    let effective = match upload::claims_license(&license, inputs.verifying_key, now) {
        Ok(Some(effective)) => effective.organization(),
        other => return Err(anyhow!("the seeded license does not verify: {other:?}")),
    };
    let id = seed.id.unwrap_or_else(Uuid::new_v4);
    license_files::write_organization(inputs.license_dir, id, &license)?;

    let org_key = SymmetricKey::generate();
    let mut members = Vec::new();
    for (user_id, role) in self::members(world, Realm::SelfHosted, &seed.owner, &seed.members)? {
        let user = world
            .user_by_id(user_id)
            .ok_or_else(|| anyhow!("member {user_id} vanished"))?;
        let public = companion_core::crypto::PublicKey::from_spki_b64(user.public_key())?;
        members.push(Member {
            user_id,
            role,
            key: Some(public.encapsulate(&org_key)?.to_string()),
        });
    }
    let usage = &seed.usage;
    let custom = members
        .iter()
        .filter(|m| m.role == MemberRole::Custom)
        .count() as i32;
    let org_rsa = inputs.cursor.next_private_key()?;
    let connection = seed.billing_sync.as_ref().map(|sync| Connection {
        id: Uuid::new_v4(),
        enabled: sync.enabled,
        config: json!({
            "BillingSyncKey": sync.billing_sync_key,
            "CloudOrganizationId": effective.id,
            "LastLicenseSync": null,
        }),
    });
    Ok(SelfHostedOrg {
        id,
        license: effective,
        usage: Usage {
            seats_in_use: usage.seats_in_use.unwrap_or(members.len() as i32),
            collections: usage.collections,
            groups: usage.groups,
            enabled_policies: usage.enabled_policies,
            sso_enabled: usage.sso_enabled,
            key_connector_enabled: usage.key_connector_enabled,
            scim_enabled: usage.scim_enabled,
            custom_permission_members: usage.custom_permission_members.max(custom),
            reset_password_policy: usage.reset_password_policy,
        },
        members,
        public_key: Some(org_rsa.public_key().to_spki_b64()?),
        private_key: Some(org_key.encrypt(&org_rsa.to_pkcs8_der()?).to_string()),
        collections: Vec::new(),
        connection,
        created: now,
        org_key: Some(Arc::new(Zeroizing::new(org_key.as_bytes().to_vec()))),
    })
}
