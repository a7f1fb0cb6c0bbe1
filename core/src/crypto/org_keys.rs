//! The key material a client sends to create an organization (crypto §3.1): a new random
//! organization key shared to the owner's public key, the default collection's name
//! encrypted under it, and a new RSA key pair for the organization. The inverse functions
//! let a server that holds the owner's private key check what a client posted.

use rand::rngs::OsRng;
use rand::RngCore;
use zeroize::Zeroizing;

use super::enc_string::EncString;
use super::error::CryptoError;
use super::keys::SymmetricKey;
use super::rsa_keys::{PrivateKey, PublicKey, RSA_BITS};

/// Everything the sign-up request carries, plus the organization key kept back in memory.
#[derive(Debug)]
pub struct OrganizationKeys {
    org_key: SymmetricKey,
    /// `key`: the organization key shared to the owner (type 4, 344 base64 characters).
    pub key: EncString,
    /// `collectionName`: the default collection's name under the organization key (type 2);
    /// `None` when no collection is wanted.
    pub collection_name: Option<EncString>,
    /// `keys.publicKey`: the organization's RSA public key, base64 SPKI.
    pub public_key: String,
    /// `keys.encryptedPrivateKey`: the organization's PKCS#8 private key under the
    /// organization key (type 2).
    pub encrypted_private_key: EncString,
}

impl OrganizationKeys {
    /// Generates a new organization key and RSA-2048 key pair for the owner whose public
    /// key (base64 SPKI) is given. A blank collection name means no default collection,
    /// since the server only sees the ciphertext and would create a nameless one.
    pub fn generate(
        user_public_key_spki_b64: &str,
        collection_name: Option<&str>,
    ) -> Result<OrganizationKeys, CryptoError> {
        let user_public_key = PublicKey::from_spki_b64(user_public_key_spki_b64)?;
        let mut ivs = [[0u8; 16]; 2];
        OsRng.fill_bytes(ivs.as_flattened_mut());
        OrganizationKeys::assemble(
            &user_public_key,
            SymmetricKey::generate(),
            &PrivateKey::generate()?,
            collection_name,
            ivs,
        )
    }

    /// Builds the material from given keys and IVs (random ones in [`Self::generate`],
    /// fixed ones to reproduce test vectors).
    pub(super) fn assemble(
        user_public_key: &PublicKey,
        org_key: SymmetricKey,
        org_private_key: &PrivateKey,
        collection_name: Option<&str>,
        [collection_iv, private_key_iv]: [[u8; 16]; 2],
    ) -> Result<OrganizationKeys, CryptoError> {
        let key = user_public_key.encapsulate(&org_key)?;
        let collection_name = collection_name
            .filter(|name| !name.trim().is_empty())
            .map(|name| org_key.encrypt_with_iv(name.as_bytes(), collection_iv));
        let public_key = org_private_key.public_key().to_spki_b64()?;
        let encrypted_private_key =
            org_key.encrypt_with_iv(&org_private_key.to_pkcs8_der()?, private_key_iv);
        Ok(OrganizationKeys {
            org_key,
            key,
            collection_name,
            public_key,
            encrypted_private_key,
        })
    }

    /// The organization key itself, for a caller that encrypts more data for the
    /// organization in the same session. Never send it.
    pub fn org_key(&self) -> &SymmetricKey {
        &self.org_key
    }
}

/// The organization fields of a sign-up request as a server receives them.
#[derive(Debug, Clone, Copy, Default)]
pub struct PostedOrganizationKeys<'a> {
    pub key: &'a str,
    pub collection_name: Option<&'a str>,
    pub public_key: Option<&'a str>,
    pub encrypted_private_key: Option<&'a str>,
}

/// What a server holding the owner's private key can see in a sign-up request. `Debug`
/// shows neither the keys nor the collection name.
pub struct OpenedOrganizationKeys {
    pub org_key: SymmetricKey,
    pub collection_name: Option<Zeroizing<String>>,
    /// The organization's private key, checked against the posted public key.
    pub private_key: Option<PrivateKey>,
}

impl std::fmt::Debug for OpenedOrganizationKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenedOrganizationKeys")
            .field("org_key", &self.org_key)
            .field("has_collection_name", &self.collection_name.is_some())
            .field("private_key", &self.private_key)
            .finish()
    }
}

/// Checks and opens everything a client posted: the type-4 `key` with the owner's private
/// key, then the collection name and the organization key pair (both or neither) under the
/// organization key.
pub fn open_organization_keys(
    user_private_key: &PrivateKey,
    posted: &PostedOrganizationKeys<'_>,
) -> Result<OpenedOrganizationKeys, CryptoError> {
    let org_key = decapsulate_org_key(user_private_key, posted.key)?;
    let collection_name = posted
        .collection_name
        .map(|name| decrypt_collection_name(&org_key, name))
        .transpose()?;
    let private_key = match (posted.public_key, posted.encrypted_private_key) {
        (Some(public_key), Some(encrypted)) => {
            Some(open_org_key_pair(&org_key, public_key, encrypted)?)
        }
        (None, None) => None,
        _ => {
            return Err(CryptoError::OrgKeysIncomplete(
                "the public key and the encrypted private key must be sent together",
            ))
        }
    };
    Ok(OpenedOrganizationKeys {
        org_key,
        collection_name,
        private_key,
    })
}

/// Opens the organization key from the owner's `key`, which must be type 4 (RSA-OAEP-SHA1),
/// the only type clients produce.
pub fn decapsulate_org_key(
    user_private_key: &PrivateKey,
    key: &str,
) -> Result<SymmetricKey, CryptoError> {
    let key: EncString = key.parse()?;
    if key.enc_type() != 4 {
        return Err(CryptoError::UnsupportedEncType(key.enc_type()));
    }
    user_private_key.decapsulate(&key)
}

/// Decrypts a posted collection name (type 2 under the organization key).
pub fn decrypt_collection_name(
    org_key: &SymmetricKey,
    collection_name: &str,
) -> Result<Zeroizing<String>, CryptoError> {
    org_key.decrypt_to_string(&collection_name.parse()?)
}

/// Decrypts the organization's private key and checks that it is RSA-2048 and that the
/// posted public key is its own.
pub fn open_org_key_pair(
    org_key: &SymmetricKey,
    public_key_spki_b64: &str,
    encrypted_private_key: &str,
) -> Result<PrivateKey, CryptoError> {
    let der = org_key.decrypt(&encrypted_private_key.parse()?)?;
    let private_key = PrivateKey::from_pkcs8_der(&der)?;
    let derived = private_key.public_key();
    if derived.bits() != RSA_BITS {
        return Err(CryptoError::InvalidPrivateKey(format!(
            "the organization key has {} bits, {RSA_BITS} are expected",
            derived.bits()
        )));
    }
    if PublicKey::from_spki_b64(public_key_spki_b64)? != derived {
        return Err(CryptoError::OrgKeyPairMismatch);
    }
    Ok(private_key)
}
