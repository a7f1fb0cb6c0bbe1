//! The fake Bitwarden server over real sockets, with a plain reqwest client: every route,
//! the server's texts and check order, the 51,200-byte limit, two-step and new-device
//! sign-in, refresh, organization creation with its crypto checked, billing sync end to
//! end, faults, HTTPS and the binary.

#[path = "../fake_support/mod.rs"]
mod fake_support;

mod account;
mod billing_key;
mod cloud_licenses;
mod connections;
mod faults;
mod identity;
mod license_update;
mod org_create;
mod premium_licenses;

use std::time::{Duration, Instant};

use chrono::Utc;
use companion_core::crypto::{EncString, EncryptedAccount, Kdf, MasterKey, OrganizationKeys};
use companion_core::license::{inspect, ExpectedInstallation, InspectOptions, TrustSet};
use companion_tests::fake::{
    totp, FakeBitwarden, FaultRule, MailPurpose, Realm, Region, Role, Seed, ALREADY_IN_USE,
    INVALID_LICENSE, MAX_UPLOAD_BYTES, NO_SUBSCRIPTION, ORGANIZATION_AS_USER, PAYMENT_ISSUE,
    PREMIUM_AS_ORGANIZATION, SYNC_FAILED,
};
use fake_support::*;
use org_create::{creation_form, creation_setup};
use reqwest::multipart::Form;
use reqwest::StatusCode;
use secrecy::SecretString;
use serde_json::{json, Value};
use uuid::Uuid;

/// A change to a cloud organization before its license is downloaded.
type CloudEdit = Box<dyn Fn(&mut companion_tests::fake::CloudOrg)>;

fn uuid(text: &str) -> Uuid {
    Uuid::parse_str(text).expect("uuid")
}

fn with_field(form: &[(String, String)], name: &str, value: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = form.iter().filter(|(k, _)| k != name).cloned().collect();
    out.push((name.to_owned(), value.to_owned()));
    out
}

fn without_field(form: &[(String, String)], name: &str) -> Vec<(String, String)> {
    form.iter().filter(|(k, _)| k != name).cloned().collect()
}
