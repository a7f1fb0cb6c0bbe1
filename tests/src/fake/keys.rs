//! Key material the server makes at start: the test licensing key (and its certificate),
//! and each account's keys as a real client would have registered them.
//!
//! RSA key generation and the KDF are the slow part of a start, so both are computed once
//! per process and reused by every server started in it; no private key is ever stored in
//! the repository.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use companion_core::crypto::{Kdf, MasterKey, PrivateKey, SymmetricKey};
use rsa::pkcs8::EncodePrivateKey;
use rsa::RsaPrivateKey;
use secrecy::{ExposeSecret, SecretString};

use super::seed::KdfSeed;

/// RSA-2048 keys generated in this process, handed out by position.
static RSA_POOL: OnceLock<Mutex<Vec<RsaPrivateKey>>> = OnceLock::new();

/// Account keys already derived in this process, by e-mail, password and KDF.
static ACCOUNTS: OnceLock<Mutex<HashMap<String, AccountKeys>>> = OnceLock::new();

/// The `n`-th RSA-2048 key of this process (made on first use).
pub(crate) fn rsa_key(n: usize) -> anyhow::Result<RsaPrivateKey> {
    prefill(n + 1)?;
    let pool = RSA_POOL.get_or_init(|| Mutex::new(Vec::new()));
    let keys = pool.lock().unwrap_or_else(|p| p.into_inner());
    keys.get(n)
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("RSA key {n} is missing from the pool"))
}

/// Makes sure the pool holds `count` keys, generating the missing ones on every core.
pub(crate) fn prefill(count: usize) -> anyhow::Result<()> {
    let pool = RSA_POOL.get_or_init(|| Mutex::new(Vec::new()));
    let mut keys = pool.lock().unwrap_or_else(|p| p.into_inner());
    let missing = count.saturating_sub(keys.len());
    if missing == 0 {
        return Ok(());
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cores.min(missing);
    let fresh = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let share = missing / threads + usize::from(t < missing % threads);
                scope.spawn(move || {
                    (0..share)
                        .map(|_| RsaPrivateKey::new(&mut rand::thread_rng(), 2048))
                        .collect::<Result<Vec<_>, _>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .map_err(|_| anyhow::anyhow!("key generation panicked"))?
                    .map_err(anyhow::Error::from)
            })
            .collect::<anyhow::Result<Vec<Vec<_>>>>()
    })?;
    keys.extend(fresh.into_iter().flatten());
    Ok(())
}

/// Hands out pool positions so one server's keys are all different.
#[derive(Debug, Default)]
pub(crate) struct KeyCursor(usize);

impl KeyCursor {
    pub(crate) fn next_rsa(&mut self) -> anyhow::Result<RsaPrivateKey> {
        let key = rsa_key(self.0)?;
        self.0 += 1;
        Ok(key)
    }

    /// The next key as the client-crypto type.
    pub(crate) fn next_private_key(&mut self) -> anyhow::Result<PrivateKey> {
        to_private_key(&self.next_rsa()?)
    }

    /// Reserves `n` positions and returns the first; the pool is filled up to them.
    pub(crate) fn reserve(&mut self, n: usize) -> anyhow::Result<usize> {
        let first = self.0;
        self.0 += n;
        prefill(self.0)?;
        Ok(first)
    }
}

/// Converts an `rsa` key into the client-crypto key type.
pub(crate) fn to_private_key(key: &RsaPrivateKey) -> anyhow::Result<PrivateKey> {
    let der = key.to_pkcs8_der()?;
    Ok(PrivateKey::from_pkcs8_der(der.as_bytes())?)
}

/// The KDF of a seed entry.
pub(crate) fn kdf_of(seed: &KdfSeed) -> Kdf {
    match *seed {
        KdfSeed::Pbkdf2 { iterations } => Kdf::Pbkdf2 { iterations },
        KdfSeed::Argon2id {
            iterations,
            memory_mib,
            parallelism,
        } => Kdf::Argon2id {
            iterations,
            memory_mib,
            parallelism,
        },
    }
}

/// What the server stores for an account: the password's server hash and the wrapped keys.
#[derive(Clone)]
pub(crate) struct AccountKeys {
    /// The master password hash a correct sign-in sends (compared, never shown).
    pub server_hash: SecretString,
    /// `Key`: the user key wrapped by the stretched master key (type 2).
    pub key: String,
    /// `PrivateKey`: the PKCS#8 private key wrapped by the user key (type 2).
    pub private_key: String,
    /// The public key, base64 SPKI.
    pub public_key: String,
    /// The private key itself, so the server can open what is shared to the user.
    pub private: std::sync::Arc<PrivateKey>,
}

impl std::fmt::Debug for AccountKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountKeys")
            .field("public_key", &self.public_key)
            .finish_non_exhaustive()
    }
}

/// Registers an account as a client does: master key from the password, a new user key
/// wrapped by the stretched master key, and an RSA key pair wrapped by the user key.
pub(crate) fn account_keys(
    email: &str,
    password: &str,
    kdf: &Kdf,
    rsa: &RsaPrivateKey,
) -> anyhow::Result<AccountKeys> {
    if let Some(found) = cached_account_keys(email, password, kdf) {
        return Ok(found);
    }
    let secret = SecretString::from(password.to_owned());
    let master = MasterKey::derive(&secret, email, kdf)?;
    let user_key = SymmetricKey::generate();
    let private = to_private_key(rsa)?;
    let keys = AccountKeys {
        server_hash: master.server_hash(&secret),
        key: master.stretch().encrypt(user_key.as_bytes()).to_string(),
        private_key: user_key
            .encrypt(private.to_pkcs8_der()?.as_slice())
            .to_string(),
        public_key: private.public_key().to_spki_b64()?,
        private: std::sync::Arc::new(private),
    };
    accounts().insert(cache_id(email, password, kdf), keys.clone());
    Ok(keys)
}

/// Keys already derived for these credentials in this process.
pub(crate) fn cached_account_keys(email: &str, password: &str, kdf: &Kdf) -> Option<AccountKeys> {
    accounts().get(&cache_id(email, password, kdf)).cloned()
}

fn accounts() -> std::sync::MutexGuard<'static, HashMap<String, AccountKeys>> {
    ACCOUNTS
        .get_or_init(|| Mutex::new(HashMap::new()))
        .lock()
        .unwrap_or_else(|p| p.into_inner())
}

fn cache_id(email: &str, password: &str, kdf: &Kdf) -> String {
    format!("{email}\u{0}{password}\u{0}{kdf:?}")
}

/// A self-signed X.509 certificate for the licensing key, like Bitwarden's `licensing.cer`.
pub(crate) fn licensing_certificate_pem(key: &RsaPrivateKey) -> anyhow::Result<String> {
    let der = key.to_pkcs8_der()?;
    let pkcs8 = rustls::pki_types::PrivatePkcs8KeyDer::from(der.as_bytes().to_vec());
    let key_pair = rcgen::KeyPair::from_pkcs8_der_and_sign_algo(&pkcs8, &rcgen::PKCS_RSA_SHA256)?;
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new())?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Fake Bitwarden License");
    Ok(params.self_signed(&key_pair)?.pem())
}

/// Compares two secrets without leaking where they differ.
pub(crate) fn secret_eq(a: &SecretString, b: &str) -> bool {
    let a = a.expose_secret().as_bytes();
    let b = b.as_bytes();
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A random string of `[A-Za-z0-9]`, as `CoreHelpers.SecureRandomString` makes API keys.
pub(crate) fn random_string(len: usize) -> String {
    use rand::distributions::{Alphanumeric, DistString};
    Alphanumeric.sample_string(&mut rand::rngs::OsRng, len)
}
