//! What the published test vectors check and no caller may use: the raw master key, the
//! HKDF step alone, and organization keys made from fixed IVs. Only with the
//! `test-support` feature, so release builds cannot reach key bytes this way.

use zeroize::Zeroizing;

use super::{CryptoError, MasterKey, OrganizationKeys, PrivateKey, PublicKey, SymmetricKey};

/// The master key's 32 bytes.
pub fn master_key_bytes(key: &MasterKey) -> [u8; 32] {
    *key.raw()
}

/// HKDF-Expand-SHA256 of a 32-byte key to 64 bytes.
pub fn hkdf_expand_64(prk: &[u8; 32], info: &[u8]) -> Zeroizing<[u8; 64]> {
    super::master_key::hkdf_expand::<64>(prk, info)
}

/// Organization keys from a given key, key pair and the two IVs.
pub fn organization_keys_with_ivs(
    owner: &PublicKey,
    org_key: SymmetricKey,
    key_pair: &PrivateKey,
    collection_name: Option<&str>,
    ivs: [[u8; 16]; 2],
) -> Result<OrganizationKeys, CryptoError> {
    OrganizationKeys::assemble(owner, org_key, key_pair, collection_name, ivs)
}
