//! The account's key derivation settings, as announced by prelogin or the token response.
//!
//! Lower bounds are the client SDK's minimums (weaker settings are refused, as the official
//! clients do); upper bounds are the server's maximums, so a hostile or broken server
//! cannot make the app burn minutes of CPU or gigabytes of memory (crypto §1.2, contract
//! §4.4). Accounts created long ago may sit below today's server minimum of 600,000 PBKDF2
//! iterations and must still sign in, hence the lower bound of 5,000.

use serde_json::Value;

use super::error::CryptoError;
use super::json::field;

/// PBKDF2 iterations accepted: SDK minimum to server maximum.
pub const PBKDF2_ITERATIONS: (u64, u64) = (5_000, 2_000_000);
/// Argon2id passes accepted.
pub const ARGON2_ITERATIONS: (u64, u64) = (2, 10);
/// Argon2id memory accepted, in MiB (the SDK refuses less than 16).
pub const ARGON2_MEMORY_MIB: (u64, u64) = (16, 1024);
/// Argon2id lanes accepted.
pub const ARGON2_PARALLELISM: (u64, u64) = (1, 16);

/// How the master key is derived from the master password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kdf {
    /// PBKDF2-HMAC-SHA256 (`KdfType` 0).
    Pbkdf2 { iterations: u32 },
    /// Argon2id version 0x13 (`KdfType` 1).
    Argon2id {
        iterations: u32,
        memory_mib: u32,
        parallelism: u32,
    },
}

impl Kdf {
    /// The server's default for new accounts.
    pub const DEFAULT_PBKDF2: Kdf = Kdf::Pbkdf2 {
        iterations: 600_000,
    };
    /// The server's default when a user picks Argon2id.
    pub const DEFAULT_ARGON2ID: Kdf = Kdf::Argon2id {
        iterations: 6,
        memory_mib: 32,
        parallelism: 4,
    };

    /// Reads the KDF from a prelogin answer (`kdf`, `kdfIterations`, `kdfMemory`,
    /// `kdfParallelism`, or the nested `kdfSettings`), a token response (`Kdf`,
    /// `KdfIterations`, ...), a `MasterPasswordUnlock` object (`Kdf: {KdfType, Iterations,
    /// ...}`) or such a nested object itself. Names are matched ignoring case. The nested
    /// form wins when both are present, because it is the one newer servers keep.
    pub fn from_json(value: &Value) -> Result<Kdf, CryptoError> {
        let nested = field(value, "kdfSettings")
            .filter(|v| v.is_object())
            .or_else(|| field(value, "kdf").filter(|v| v.is_object()))
            .or_else(|| field(value, "kdfType").map(|_| value));
        match nested {
            Some(settings) => Kdf::from_parts(
                integer(settings, "kdfType")?,
                whole(settings, "iterations")?,
                optional_whole(settings, "memory")?,
                optional_whole(settings, "parallelism")?,
            ),
            None => Kdf::from_parts(
                integer(value, "kdf")?,
                whole(value, "kdfIterations")?,
                optional_whole(value, "kdfMemory")?,
                optional_whole(value, "kdfParallelism")?,
            ),
        }
    }

    /// Builds and validates a KDF from the server's numbers (`kdf_type` 0 = PBKDF2,
    /// 1 = Argon2id; memory in MiB).
    pub fn from_parts(
        kdf_type: i64,
        iterations: u64,
        memory_mib: Option<u64>,
        parallelism: Option<u64>,
    ) -> Result<Kdf, CryptoError> {
        match kdf_type {
            0 => Ok(Kdf::Pbkdf2 {
                iterations: checked("PBKDF2 iterations", iterations, PBKDF2_ITERATIONS)?,
            }),
            1 => {
                let memory = memory_mib.ok_or_else(|| {
                    CryptoError::KdfMalformed("Argon2id needs a memory size".into())
                })?;
                let lanes = parallelism.ok_or_else(|| {
                    CryptoError::KdfMalformed("Argon2id needs a parallelism".into())
                })?;
                Ok(Kdf::Argon2id {
                    iterations: checked("Argon2id iterations", iterations, ARGON2_ITERATIONS)?,
                    memory_mib: checked("Argon2id memory (MiB)", memory, ARGON2_MEMORY_MIB)?,
                    parallelism: checked("Argon2id parallelism", lanes, ARGON2_PARALLELISM)?,
                })
            }
            other => Err(CryptoError::KdfUnsupported(other)),
        }
    }

    /// Checks a KDF built by hand against the accepted ranges.
    pub fn validate(&self) -> Result<(), CryptoError> {
        match *self {
            Kdf::Pbkdf2 { iterations } => Kdf::from_parts(0, iterations.into(), None, None),
            Kdf::Argon2id {
                iterations,
                memory_mib,
                parallelism,
            } => Kdf::from_parts(
                1,
                iterations.into(),
                Some(memory_mib.into()),
                Some(parallelism.into()),
            ),
        }
        .map(|_| ())
    }
}

fn checked(
    parameter: &'static str,
    value: u64,
    (min, max): (u64, u64),
) -> Result<u32, CryptoError> {
    let out_of_range = CryptoError::KdfOutOfRange {
        parameter,
        value,
        min,
        max,
    };
    if !(min..=max).contains(&value) {
        return Err(out_of_range);
    }
    u32::try_from(value).map_err(|_| out_of_range)
}

fn integer(object: &Value, name: &str) -> Result<i64, CryptoError> {
    field(object, name).and_then(Value::as_i64).ok_or_else(|| {
        CryptoError::KdfMalformed(format!("`{name}` is missing or not a whole number"))
    })
}

fn whole(object: &Value, name: &str) -> Result<u64, CryptoError> {
    optional_whole(object, name)?
        .ok_or_else(|| CryptoError::KdfMalformed(format!("`{name}` is missing")))
}

fn optional_whole(object: &Value, name: &str) -> Result<Option<u64>, CryptoError> {
    field(object, name)
        .map(|v| {
            v.as_u64().ok_or_else(|| {
                CryptoError::KdfMalformed(format!("`{name}` is not a positive whole number"))
            })
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Explain;
    use serde_json::json;

    #[test]
    fn prelogin_flat_fields_give_pbkdf2() {
        let prelogin = json!({"kdf": 0, "kdfIterations": 600000, "kdfMemory": null, "kdfParallelism": null, "salt": null});
        assert_eq!(Kdf::from_json(&prelogin).unwrap(), Kdf::DEFAULT_PBKDF2);
    }

    #[test]
    fn prelogin_nested_kdf_settings_give_argon2id() {
        let prelogin = json!({
            "kdf": 1, "kdfIterations": 6, "kdfMemory": 32, "kdfParallelism": 4,
            "kdfSettings": {"kdfType": 1, "iterations": 6, "memory": 32, "parallelism": 4}
        });
        assert_eq!(Kdf::from_json(&prelogin).unwrap(), Kdf::DEFAULT_ARGON2ID);
        let only_nested = json!({"kdfSettings": {"kdfType": 0, "iterations": 100000}});
        assert_eq!(
            Kdf::from_json(&only_nested).unwrap(),
            Kdf::Pbkdf2 {
                iterations: 100_000
            }
        );
    }

    #[test]
    fn token_response_pascal_case_fields_are_read() {
        let token = json!({"access_token": "x", "Kdf": 1, "KdfIterations": 3, "KdfMemory": 64, "KdfParallelism": 4});
        assert_eq!(
            Kdf::from_json(&token).unwrap(),
            Kdf::Argon2id {
                iterations: 3,
                memory_mib: 64,
                parallelism: 4
            }
        );
    }

    #[test]
    fn master_password_unlock_kdf_object_is_read() {
        let unlock = json!({"Kdf": {"KdfType": 0, "Iterations": 650000, "Memory": null, "Parallelism": null}, "Salt": "a@b.c"});
        assert_eq!(
            Kdf::from_json(&unlock).unwrap(),
            Kdf::Pbkdf2 {
                iterations: 650_000
            }
        );
    }

    #[test]
    fn too_few_pbkdf2_iterations_are_refused_with_the_range() {
        let err = Kdf::from_json(&json!({"kdf": 0, "kdfIterations": 4999})).unwrap_err();
        assert_eq!(err.code(), "kdf_out_of_range");
        assert_eq!(
            err.to_string(),
            "The KDF PBKDF2 iterations is 4999; this app accepts 5000 to 2000000"
        );
    }

    #[test]
    fn legacy_100k_pbkdf2_accounts_are_accepted() {
        assert_eq!(
            Kdf::from_json(&json!({"kdf": 0, "kdfIterations": 100000})).unwrap(),
            Kdf::Pbkdf2 {
                iterations: 100_000
            }
        );
    }

    #[test]
    fn argon2_settings_outside_server_ranges_are_refused() {
        for (t, m, p, parameter) in [
            (1, 32, 4, "Argon2id iterations"),
            (11, 32, 4, "Argon2id iterations"),
            (6, 15, 4, "Argon2id memory (MiB)"),
            (6, 1025, 4, "Argon2id memory (MiB)"),
            (6, 32, 0, "Argon2id parallelism"),
            (6, 32, 17, "Argon2id parallelism"),
        ] {
            let err = Kdf::from_parts(1, t, Some(m), Some(p)).unwrap_err();
            assert!(
                matches!(err, CryptoError::KdfOutOfRange { parameter: got, .. } if got == parameter),
                "{t} {m} {p}: {err}"
            );
        }
    }

    #[test]
    fn absurd_pbkdf2_iterations_from_a_server_are_refused() {
        let err = Kdf::from_parts(0, u64::from(u32::MAX) + 1, None, None).unwrap_err();
        assert_eq!(err.code(), "kdf_out_of_range");
    }

    #[test]
    fn unknown_kdf_type_and_missing_fields_are_explained() {
        assert_eq!(
            Kdf::from_json(&json!({"kdf": 2, "kdfIterations": 5}))
                .unwrap_err()
                .code(),
            "kdf_unsupported"
        );
        let missing = Kdf::from_json(&json!({"kdf": 1, "kdfIterations": 6})).unwrap_err();
        assert_eq!(missing.code(), "kdf_malformed");
        assert!(missing.to_string().contains("memory"), "{missing}");
        let text = Kdf::from_json(&json!({"kdf": "0", "kdfIterations": 600000})).unwrap_err();
        assert_eq!(text.code(), "kdf_malformed");
        assert_eq!(
            Kdf::from_json(&json!({})).unwrap_err().code(),
            "kdf_malformed"
        );
    }

    #[test]
    fn hand_built_kdf_is_validated() {
        assert!(Kdf::DEFAULT_ARGON2ID.validate().is_ok());
        assert!(Kdf::Pbkdf2 { iterations: 1 }.validate().is_err());
    }
}
