//! Authenticator codes (RFC 6238: HMAC-SHA1, 30-second steps, six digits) for two-step
//! login. The server accepts the previous, current and next step, as Bitwarden's
//! authenticator provider does.

use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Seconds per code.
const STEP: u64 = 30;

/// The six-digit code for a base32 secret at a Unix time; `None` when the secret is not
/// valid base32.
pub fn code(secret_base32: &str, unix_seconds: u64) -> Option<String> {
    let key = base32_decode(secret_base32)?;
    Some(hotp(&key, unix_seconds / STEP))
}

/// Whether `given` is the code of the previous, current or next step.
pub fn verify(secret_base32: &str, given: &str, unix_seconds: u64) -> bool {
    let Some(key) = base32_decode(secret_base32) else {
        return false;
    };
    let step = unix_seconds / STEP;
    [step.saturating_sub(1), step, step + 1]
        .iter()
        .any(|s| hotp(&key, *s) == given.trim())
}

fn hotp(key: &[u8], counter: u64) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let value = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    format!("{:06}", value % 1_000_000)
}

/// RFC 4648 base32, case-insensitive, padding and spaces ignored.
fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut bits = 0u64;
    let mut count = 0u32;
    let mut out = Vec::new();
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let value = match c.to_ascii_uppercase() {
            c @ 'A'..='Z' => c as u64 - 'A' as u64,
            c @ '2'..='7' => c as u64 - '2' as u64 + 26,
            _ => return None,
        };
        bits = (bits << 5) | value;
        count += 5;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 vectors (secret "12345678901234567890"), last six digits.
    #[test]
    fn rfc_6238_vectors() {
        let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        assert_eq!(code(secret, 59).unwrap(), "287082");
        assert_eq!(code(secret, 1_111_111_109).unwrap(), "081804");
        assert_eq!(code(secret, 2_000_000_000).unwrap(), "279037");
    }

    #[test]
    fn neighbouring_steps_are_accepted_and_older_ones_refused() {
        let secret = "JBSWY3DPEHPK3PXP";
        let now = 1_700_000_000;
        assert!(verify(secret, &code(secret, now - 30).unwrap(), now));
        assert!(verify(secret, &code(secret, now + 30).unwrap(), now));
        assert!(!verify(secret, &code(secret, now - 90).unwrap(), now));
        assert!(!verify("not base32!", "000000", now));
    }
}
