//! The network half: signing in to a self-hosted Bitwarden server and to Bitwarden cloud,
//! downloading licenses from the cloud, and putting licenses and the billing sync token on
//! the self-hosted server, safely.
//!
//! Flow: build an [`Http`] (TLS, timeouts, retries, the device) and [`Endpoints`] for the
//! server; sign in with a [`Login`] (or resume a kept session from a [`SessionStore`]);
//! then call the operations ([`owned_organizations`], [`download_organization_license`],
//! [`plan_upload`] + [`send_upload`], [`prepare_organization`] + [`create_organization`],
//! [`billing_sync_token`], [`save_billing_sync_token`], [`trigger_sync`], …)
//! with the [`Session`]. Every failure is a [`BitwardenError`] with a stable code.

mod archive;
mod belonging;
mod billing_token;
mod cloud_check;
mod connections;
mod device;
mod errors;
mod folders;
mod http;
mod identity;
mod in_force;
mod licenses;
mod login;
mod multipart;
mod notes;
mod org_create;
mod organizations;
mod replies;
mod server_info;
mod session;
mod store;
mod two_factor;
mod upload;
mod urls;

pub use archive::{Archive, ArchivedLicense, ArchivedRole, LicenseOwner};
pub use belonging::{
    cloud_link, count_or_unlimited, feature_label, find_cloud_link, losses, place, Belonging,
    Candidate, CloudLink, LinkSource, Loss, Placement,
};
pub use billing_token::{
    billing_sync_token, billing_sync_token_info, keep_billing_sync_token, request_otp,
    rotate_billing_sync_token, CloudToken, KeptToken, Verification,
};
pub use cloud_check::check_cloud;
pub use connections::{
    billing_sync_connection, cloud_communication_enabled, delete_billing_sync_connection,
    kept_token, save_billing_sync_token, token_account, trigger_sync, BillingSyncConnection,
    SavedToken, CLOUD_BILLING_SYNC,
};
pub use device::{AppKind, Device, CLIENT_VERSION};
pub use errors::{BitwardenError, ExitClass, FileAction};
pub use folders::Folders;
pub use http::{Http, HttpOptions};
pub use in_force::{license_in_force, server_license_files, ReplacedCopy};
pub use licenses::{
    download_organization_license, download_premium_license, save_keeping_old, Downloaded, Saved,
    ORGANIZATION_LICENSE_FILE, PREMIUM_LICENSE_FILE,
};
pub use login::{Credentials, Login, LoginAnswer, LoginStep};
pub use notes::PlanNote;
pub use org_create::{
    create_organization, prepare_organization, CreatedOrganization, OrganizationDraft,
    OrganizationRequest, DEFAULT_COLLECTION,
};
pub use organizations::{
    owned_organizations, profile, subscription, Membership, OrganizationState, OrganizationsReport,
    Profile, Subscription,
};
pub use replies::{known_refusals, KnownRefusal};
pub use server_info::{server_info, ServerInfo, ServerProduct};
pub use session::{LoginKind, Session, SessionFacts};
pub use store::SessionStore;
pub use two_factor::{TwoFactorOffer, TwoFactorProvider};
pub use upload::{
    plan_upload, plan_upload_bytes, send_upload, Change, UploadOutcome, UploadPlan, UploadRequest,
    UploadTarget,
};
pub use urls::{check_transport, is_loopback, CloudUrls, Endpoints, ServerKind};
