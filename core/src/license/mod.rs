//! Bitwarden self-hosted licenses: reading them as the server does, rebuilding the exact
//! signed data, verifying the signature and the claims token against Bitwarden's pinned
//! certificates, and running the server's upload checks with its own messages.
//!
//! Entry points: [`parse`] for the typed license (and the original bytes, which uploads
//! send untouched), [`inspect`] for the full verdict. With the `test-support` feature
//! (tests and benchmarks only, never a release build), `sign` makes licenses as the cloud
//! does, signed with a test key.

pub mod canonical;
pub mod certs;
mod checks;
pub mod claims;
pub mod dates;
mod error;
mod model;
mod parse;
mod report;
#[cfg(any(test, feature = "test-support"))]
pub mod sign;
pub mod signature;
pub mod token;
mod value;

pub use certs::{CertificateKind, TrustError, TrustSet};
pub use checks::{Check, ExpectedInstallation, ValidationPath, SERVER_PREFIX};
pub use dates::NetDateTime;
pub use error::{LicenseError, MAX_LICENSE_BYTES};
pub use model::{
    FieldSpec, License, LicenseKind, OrganizationLicense, PlanType, UserLicense,
    LICENSE_TYPE_ORGANIZATION, LICENSE_TYPE_USER,
};
pub use parse::{parse, KindSource, ParsedLicense};
pub use report::{
    inspect, inspect_parsed, summary, Dates, HashReport, InspectOptions, Inspection,
    LicenseSummary, TokenSection,
};
pub use signature::{SignatureReport, SignatureStatus};
pub use token::{TokenReport, TokenStatus};
