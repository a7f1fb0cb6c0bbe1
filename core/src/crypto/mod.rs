//! Bitwarden client cryptography: what a client computes to sign in (master key and
//! server hash), to unlock an account's keys, and to create an organization from a
//! license (organization key, key pair and encrypted collection name).
//!
//! Only RustCrypto primitives are used. The `rsa` crate's private-key operations are
//! exposed to a timing side channel (RUSTSEC-2023-0071); the sign-in and sign-up flows only
//! encrypt with public keys and generate keys, and decryption runs locally on the user's
//! own data, blinded.
//!
//! Key material lives in zeroizing buffers, `Debug` output is redacted, and errors name
//! what is wrong without quoting keys, hashes or plaintexts.

mod account;
mod enc_string;
mod error;
mod json;
mod kdf;
mod keys;
mod master_key;
mod org_keys;
mod rsa_keys;
mod symmetric;
#[cfg(any(test, feature = "test-support"))]
pub mod testing;

pub use account::{decrypt_private_key, decrypt_user_key, EncryptedAccount, UnlockedAccount};
pub use enc_string::EncString;
pub use error::CryptoError;
pub use kdf::{Kdf, ARGON2_ITERATIONS, ARGON2_MEMORY_MIB, ARGON2_PARALLELISM, PBKDF2_ITERATIONS};
pub use keys::{SymmetricKey, SYMMETRIC_KEY_LEN};
pub use master_key::{normalize_salt, MasterKey};
pub use org_keys::{
    decapsulate_org_key, decrypt_collection_name, open_org_key_pair, open_organization_keys,
    OpenedOrganizationKeys, OrganizationKeys, PostedOrganizationKeys,
};
pub use rsa_keys::{PrivateKey, PublicKey, RSA_BITS};
pub use zeroize::Zeroizing;
