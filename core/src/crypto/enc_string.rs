//! Bitwarden's encrypted-string format, `<type>.<b64>|<b64>|...` (crypto §2.1).
//!
//! Parsing is strict about part counts, base64 and sizes, so a damaged value fails here
//! with a clear reason rather than later as a confusing decryption error. Formatting gives
//! back exactly the string that was parsed (standard base64 is canonical).

use std::fmt;
use std::mem::take;
use std::str::FromStr;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::error::CryptoError;

/// AES block and IV size.
const IV_LEN: usize = 16;
/// HMAC-SHA256 tag size.
const MAC_LEN: usize = 32;

/// One encrypted value, by type number. Only type 2 (symmetric) and type 4 (RSA-OAEP-SHA1)
/// are ever produced; the others are parsed so they can be recognised and refused or, for
/// RSA types 3, 5 and 6, decrypted.
#[derive(Clone, PartialEq, Eq)]
pub enum EncString {
    /// Type 0: AES-256-CBC without a MAC. Legacy: only for an old user key wrapped by the
    /// raw master key. `headerless` is true for the old form without `0.`.
    AesCbc256B64 {
        iv: [u8; IV_LEN],
        data: Vec<u8>,
        headerless: bool,
    },
    /// Type 1: AES-128-CBC with HMAC. Removed from the clients; never decrypted.
    AesCbc128HmacSha256B64 {
        iv: [u8; IV_LEN],
        data: Vec<u8>,
        mac: [u8; MAC_LEN],
        headerless: bool,
    },
    /// Type 2: AES-256-CBC then HMAC-SHA256 over `iv || data`. The normal symmetric format.
    AesCbc256HmacSha256B64 {
        iv: [u8; IV_LEN],
        data: Vec<u8>,
        mac: [u8; MAC_LEN],
    },
    /// Type 3: RSA-OAEP with SHA-256 (decrypt only).
    Rsa2048OaepSha256B64 { data: Vec<u8> },
    /// Type 4: RSA-OAEP with SHA-1, what every client produces to share a key.
    Rsa2048OaepSha1B64 { data: Vec<u8> },
    /// Type 5: deprecated RSA-OAEP-SHA256 with a MAC part that is ignored.
    Rsa2048OaepSha256HmacSha256B64 { data: Vec<u8>, mac: Vec<u8> },
    /// Type 6: deprecated RSA-OAEP-SHA1 with a MAC part that is ignored.
    Rsa2048OaepSha1HmacSha256B64 { data: Vec<u8>, mac: Vec<u8> },
    /// Type 7: a COSE_Encrypt0 object, used by V2 accounts. Recognised, never decrypted.
    CoseEncrypt0B64 { data: Vec<u8> },
}

impl EncString {
    /// The type number (0 to 7) as written before the dot.
    pub fn enc_type(&self) -> u8 {
        match self {
            EncString::AesCbc256B64 { .. } => 0,
            EncString::AesCbc128HmacSha256B64 { .. } => 1,
            EncString::AesCbc256HmacSha256B64 { .. } => 2,
            EncString::Rsa2048OaepSha256B64 { .. } => 3,
            EncString::Rsa2048OaepSha1B64 { .. } => 4,
            EncString::Rsa2048OaepSha256HmacSha256B64 { .. } => 5,
            EncString::Rsa2048OaepSha1HmacSha256B64 { .. } => 6,
            EncString::CoseEncrypt0B64 { .. } => 7,
        }
    }

    /// The parts after the type, in string order, as bytes.
    fn parts(&self) -> Vec<&[u8]> {
        match self {
            EncString::AesCbc256B64 { iv, data, .. } => vec![iv, data],
            EncString::AesCbc128HmacSha256B64 { iv, data, mac, .. }
            | EncString::AesCbc256HmacSha256B64 { iv, data, mac } => vec![iv, data, mac],
            EncString::Rsa2048OaepSha256B64 { data }
            | EncString::Rsa2048OaepSha1B64 { data }
            | EncString::CoseEncrypt0B64 { data } => vec![data],
            EncString::Rsa2048OaepSha256HmacSha256B64 { data, mac }
            | EncString::Rsa2048OaepSha1HmacSha256B64 { data, mac } => vec![data, mac],
        }
    }

    fn headerless(&self) -> bool {
        matches!(
            self,
            EncString::AesCbc256B64 {
                headerless: true,
                ..
            } | EncString::AesCbc128HmacSha256B64 {
                headerless: true,
                ..
            }
        )
    }
}

impl FromStr for EncString {
    type Err = CryptoError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (header, body) = match s.split_once('.') {
            Some((t, body)) => (Some(t), body),
            None => (None, s),
        };
        let parts: Vec<&str> = body.split('|').collect();
        // Headerless legacy strings: three parts mean type 1, anything else type 0 (§2.1).
        let enc_type = match header {
            Some(t) => match t {
                "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" => t.as_bytes()[0] - b'0',
                _ => return Err(malformed("the encryption type is not a number from 0 to 7")),
            },
            None if parts.len() == 3 => 1,
            None => 0,
        };
        let expected = match enc_type {
            0 => 2,
            1 | 2 => 3,
            3 | 4 | 7 => 1,
            _ => 2,
        };
        if parts.len() != expected {
            return Err(malformed(format!(
                "type {enc_type} needs {expected} part(s) separated by `|`, found {}",
                parts.len()
            )));
        }
        let mut bytes = parts
            .iter()
            .enumerate()
            .map(|(i, part)| decode(enc_type, i, part))
            .collect::<Result<Vec<_>, _>>()?;
        let headerless = header.is_none();
        // The part count was checked above, so every arm below matches its own type.
        Ok(match (enc_type, bytes.as_mut_slice()) {
            (0, [iv_part, data]) => EncString::AesCbc256B64 {
                iv: iv(enc_type, iv_part)?,
                data: cbc_data(enc_type, take(data))?,
                headerless,
            },
            (1, [iv_part, data, mac_part]) => EncString::AesCbc128HmacSha256B64 {
                iv: iv(enc_type, iv_part)?,
                data: cbc_data(enc_type, take(data))?,
                mac: mac(enc_type, mac_part)?,
                headerless,
            },
            (2, [iv_part, data, mac_part]) => EncString::AesCbc256HmacSha256B64 {
                iv: iv(enc_type, iv_part)?,
                data: cbc_data(enc_type, take(data))?,
                mac: mac(enc_type, mac_part)?,
            },
            (3, [data]) => EncString::Rsa2048OaepSha256B64 {
                data: non_empty(enc_type, take(data))?,
            },
            (4, [data]) => EncString::Rsa2048OaepSha1B64 {
                data: non_empty(enc_type, take(data))?,
            },
            (5, [data, mac_part]) => EncString::Rsa2048OaepSha256HmacSha256B64 {
                data: non_empty(enc_type, take(data))?,
                mac: take(mac_part),
            },
            (6, [data, mac_part]) => EncString::Rsa2048OaepSha1HmacSha256B64 {
                data: non_empty(enc_type, take(data))?,
                mac: take(mac_part),
            },
            (7, [data]) => EncString::CoseEncrypt0B64 {
                data: non_empty(enc_type, take(data))?,
            },
            _ => {
                return Err(malformed(format!(
                    "type {enc_type} has the wrong number of parts"
                )))
            }
        })
    }
}

impl fmt::Display for EncString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.headerless() {
            write!(f, "{}.", self.enc_type())?;
        }
        for (i, part) in self.parts().into_iter().enumerate() {
            if i > 0 {
                f.write_str("|")?;
            }
            f.write_str(&STANDARD.encode(part))?;
        }
        Ok(())
    }
}

/// Shows only the type and part sizes: ciphertexts stay out of logs.
impl fmt::Debug for EncString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sizes: Vec<usize> = self.parts().iter().map(|p| p.len()).collect();
        write!(
            f,
            "EncString(type {}, part sizes {sizes:?})",
            self.enc_type()
        )
    }
}

fn malformed(reason: impl Into<String>) -> CryptoError {
    CryptoError::EncStringMalformed(reason.into())
}

fn decode(enc_type: u8, index: usize, part: &str) -> Result<Vec<u8>, CryptoError> {
    STANDARD.decode(part).map_err(|_| {
        malformed(format!(
            "part {} of a type-{enc_type} value is not valid base64",
            index + 1
        ))
    })
}

fn iv(enc_type: u8, bytes: &[u8]) -> Result<[u8; IV_LEN], CryptoError> {
    let len = bytes.len();
    bytes.try_into().map_err(|_| {
        malformed(format!(
            "type-{enc_type} IV must be {IV_LEN} bytes, found {len}"
        ))
    })
}

fn mac(enc_type: u8, bytes: &[u8]) -> Result<[u8; MAC_LEN], CryptoError> {
    let len = bytes.len();
    bytes.try_into().map_err(|_| {
        malformed(format!(
            "type-{enc_type} MAC must be {MAC_LEN} bytes, found {len}"
        ))
    })
}

fn cbc_data(enc_type: u8, bytes: Vec<u8>) -> Result<Vec<u8>, CryptoError> {
    if bytes.is_empty() || !bytes.len().is_multiple_of(IV_LEN) {
        return Err(malformed(format!(
            "type-{enc_type} ciphertext must be a non-empty multiple of 16 bytes, found {}",
            bytes.len()
        )));
    }
    Ok(bytes)
}

fn non_empty(enc_type: u8, bytes: Vec<u8>) -> Result<Vec<u8>, CryptoError> {
    if bytes.is_empty() {
        return Err(malformed(format!("type-{enc_type} ciphertext is empty")));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Explain;

    const IV: &str = "AAECAwQFBgcICQoLDA0ODw=="; // 16 bytes
    const BLOCK: &str = "x5yQT1m73ZoLfTmsKt6jtw=="; // 16 bytes
    const MAC: &str = "63ZUUQU7I9DvpbNzOdE0XFN5yDIXPn/SIqzjFzsT5R8="; // 32 bytes
    const RSA: &str = "AQID"; // 3 bytes

    fn reason(s: &str) -> String {
        let err = s.parse::<EncString>().unwrap_err();
        assert_eq!(err.code(), "enc_string_malformed", "{s}");
        err.to_string()
    }

    #[test]
    fn every_type_parses_and_prints_back_exactly() {
        let samples = [
            (format!("0.{IV}|{BLOCK}"), 0),
            (format!("1.{IV}|{BLOCK}|{MAC}"), 1),
            (format!("2.{IV}|{MAC}|{MAC}"), 2),
            (format!("3.{RSA}"), 3),
            (format!("4.{RSA}"), 4),
            (format!("5.{RSA}|AA=="), 5),
            (format!("6.{RSA}|{MAC}"), 6),
            (format!("7.{RSA}"), 7),
        ];
        for (text, enc_type) in samples {
            let parsed: EncString = text.parse().unwrap();
            assert_eq!(parsed.enc_type(), enc_type, "{text}");
            assert_eq!(parsed.to_string(), text);
        }
    }

    #[test]
    fn headerless_strings_are_type0_or_type1_and_print_without_a_header() {
        let two = format!("{IV}|{BLOCK}");
        let parsed: EncString = two.parse().unwrap();
        assert_eq!(parsed.enc_type(), 0);
        assert_eq!(parsed.to_string(), two);
        let three = format!("{IV}|{BLOCK}|{MAC}");
        let parsed: EncString = three.parse().unwrap();
        assert_eq!(parsed.enc_type(), 1);
        assert_eq!(parsed.to_string(), three);
        assert!(reason(IV).contains("type 0 needs 2 part(s)"));
    }

    #[test]
    fn wrong_part_counts_are_refused_with_the_expected_count() {
        assert_eq!(
            reason(&format!("2.{IV}|{BLOCK}")),
            "The encrypted value is malformed: type 2 needs 3 part(s) separated by `|`, found 2"
        );
        assert!(reason(&format!("2.{IV}|{BLOCK}|{MAC}|{MAC}")).contains("found 4"));
        assert!(reason(&format!("4.{RSA}|{MAC}")).contains("type 4 needs 1 part(s)"));
        assert!(reason(&format!("6.{RSA}")).contains("type 6 needs 2 part(s)"));
        assert!(reason(&format!("0.{IV}|{BLOCK}|{MAC}")).contains("type 0 needs 2"));
    }

    #[test]
    fn bad_base64_names_the_part() {
        assert_eq!(
            reason(&format!("2.{IV}|not*base64|{MAC}")),
            "The encrypted value is malformed: part 2 of a type-2 value is not valid base64"
        );
        // Missing padding and URL-safe alphabet are not the standard encoding.
        assert!(reason(&format!("2.AAECAwQFBgcICQoLDA0ODw|{BLOCK}|{MAC}")).contains("part 1"));
        assert!(reason("4.-_8=").contains("not valid base64"));
    }

    #[test]
    fn wrong_sizes_are_refused() {
        assert!(reason(&format!("2.AAECAwQFBgcICQoL|{BLOCK}|{MAC}"))
            .contains("IV must be 16 bytes, found 12"));
        assert!(reason(&format!("2.{IV}|{BLOCK}|{IV}")).contains("MAC must be 32 bytes, found 16"));
        assert!(reason(&format!("2.{IV}|AQID|{MAC}"))
            .contains("non-empty multiple of 16 bytes, found 3"));
        assert!(reason(&format!("2.{IV}||{MAC}")).contains("found 0"));
        assert!(reason("4.").contains("type-4 ciphertext is empty"));
        assert!(reason("7.").contains("type-7 ciphertext is empty"));
    }

    #[test]
    fn unknown_or_odd_type_numbers_are_refused() {
        for header in ["8", "02", "-1", "", "x", "2 "] {
            assert!(
                reason(&format!("{header}.{RSA}")).contains("not a number from 0 to 7"),
                "{header}"
            );
        }
        assert!(reason("").contains("type 0 needs 2 part(s)"));
    }

    #[test]
    fn debug_output_shows_sizes_not_ciphertext() {
        let parsed: EncString = format!("2.{IV}|{BLOCK}|{MAC}").parse().unwrap();
        assert_eq!(
            format!("{parsed:?}"),
            "EncString(type 2, part sizes [16, 16, 32])"
        );
    }
}
