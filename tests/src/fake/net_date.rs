//! .NET `DateTime` as the server handles license dates: System.Text.Json's ISO 8601 reader
//! (what an uploaded or stored file may say), its writer (what the server writes back),
//! `Math.Round` over the seconds for the canonical data (contract §1.4) and the claim text
//! of tokens (§1.7). The server runs in UTC, so a time read with an offset becomes a local
//! time equal to UTC.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc};

/// 100 ns ticks per second.
const TICKS_PER_SECOND: i64 = 10_000_000;
/// Ticks from 0001-01-01 to 1970-01-01.
const EPOCH_TICKS: i64 = 621_355_968_000_000_000;
/// Ticks of 9999-12-31T23:59:59.9999999, the last `DateTime`.
const MAX_TICKS: i64 = 3_155_378_975_999_999_999;
/// The longest date text the reader looks at (`MaximumDateTimeOffsetParseLength`).
const MAX_TEXT: usize = 42;
/// Fraction digits the reader accepts; only the first seven count.
const MAX_FRACTION_DIGITS: usize = 16;

/// `DateTimeKind`, which decides the suffix the writer puts back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// Read with `Z`: written back with `Z`.
    Utc,
    /// Read with an offset: converted to the server's (UTC) local time, written `+00:00`.
    Local,
    /// Read without a zone (or from a claim): written without one.
    Unspecified,
}

/// A .NET `DateTime`: ticks since 0001-01-01 and its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NetDate {
    ticks: i64,
    zone: Zone,
}

impl NetDate {
    /// `default(DateTime)`, what a missing non-nullable date is.
    pub const MIN: NetDate = NetDate {
        ticks: 0,
        zone: Zone::Unspecified,
    };

    /// A UTC time (sub-100 ns truncated, clamped to the .NET range).
    pub fn from_utc(time: DateTime<Utc>) -> Self {
        let since_epoch = i128::from(time.timestamp()) * i128::from(TICKS_PER_SECOND)
            + i128::from(time.timestamp_subsec_nanos() / 100);
        let ticks = (since_epoch + i128::from(EPOCH_TICKS)).clamp(0, i128::from(MAX_TICKS));
        NetDate {
            ticks: ticks as i64,
            zone: Zone::Utc,
        }
    }

    /// The instant, taking a date without zone as UTC.
    pub fn to_utc(self) -> DateTime<Utc> {
        let since_epoch = self.ticks - EPOCH_TICKS;
        Utc.timestamp_opt(
            since_epoch.div_euclid(TICKS_PER_SECOND),
            (since_epoch.rem_euclid(TICKS_PER_SECOND) * 100) as u32,
        )
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
    }

    /// `Math.Round((date - 1970-01-01).TotalSeconds, 0)`: the ticks divided as a double,
    /// rounded half to even, as `FormatLicenseSignatureValue` renders a date.
    pub fn canonical_seconds(self) -> i64 {
        let total_seconds = (self.ticks - EPOCH_TICKS) as f64 / TICKS_PER_SECOND as f64;
        total_seconds.round_ties_even() as i64
    }

    /// Reads a date as System.Text.Json does: `yyyy-MM-dd`, then optionally `THH:mm`,
    /// `:ss`, a fraction of 1..16 digits (seven kept), and `Z`, `±HH` or `±HH:mm`.
    pub fn parse(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        if b.len() < 10 || b.len() > MAX_TEXT || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let year = digits(b, 0, 4)?;
        let month = digits(b, 5, 2)?;
        let day = digits(b, 8, 2)?;
        let (mut hour, mut minute, mut second, mut fraction) = (0, 0, 0, 0);
        let mut suffix = &b[10..];
        if !suffix.is_empty() {
            if b.len() < 16 || b[10] != b'T' || b[13] != b':' {
                return None;
            }
            hour = digits(b, 11, 2)?;
            minute = digits(b, 14, 2)?;
            suffix = &b[16..];
            if let Some(rest) = suffix.strip_prefix(b":") {
                second = digits(rest, 0, 2)?;
                suffix = &rest[2..];
                if let Some(rest) = suffix.strip_prefix(b".") {
                    (fraction, suffix) = read_fraction(rest)?;
                }
            }
        }
        let zone = match suffix {
            [] => (Zone::Unspecified, 0),
            [b'Z'] => (Zone::Utc, 0),
            [sign @ (b'+' | b'-'), offset @ ..] => (Zone::Local, offset_ticks(*sign, offset)?),
            _ => return None,
        };
        let date = NaiveDate::from_ymd_opt(year as i32, month, day).filter(|_| year > 0)?;
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        let days = i64::from(date.num_days_from_ce() - 1);
        let seconds = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second);
        let ticks = seconds * TICKS_PER_SECOND + fraction - zone.1;
        (0..=MAX_TICKS).contains(&ticks).then_some(NetDate {
            ticks,
            zone: zone.0,
        })
    }

    /// The text System.Text.Json writes: `yyyy-MM-ddTHH:mm:ss`, the fraction without its
    /// trailing zeros, and `Z`, the server's offset or nothing by kind.
    pub fn to_json(self) -> String {
        let mut text = self.to_utc().format("%Y-%m-%dT%H:%M:%S").to_string();
        let fraction = self.ticks % TICKS_PER_SECOND;
        if fraction != 0 {
            text.push('.');
            text.push_str(format!("{fraction:07}").trim_end_matches('0'));
        }
        text.push_str(match self.zone {
            Zone::Utc => "Z",
            Zone::Local => "+00:00",
            Zone::Unspecified => "",
        });
        text
    }

    /// A claim date as `DateTime.TryParse` reads it: `MM/dd/yyyy HH:mm:ss` as the cloud
    /// writes it, a bare `MM/dd/yyyy`, or ISO 8601.
    pub fn parse_claim(text: &str) -> Option<Self> {
        let text = text.trim();
        let time = NaiveDateTime::parse_from_str(text, "%m/%d/%Y %H:%M:%S")
            .ok()
            .or_else(|| {
                NaiveDate::parse_from_str(text, "%m/%d/%Y")
                    .ok()
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
            });
        match time {
            Some(time) => Some(NetDate {
                zone: Zone::Unspecified,
                ..NetDate::from_utc(time.and_utc())
            }),
            None => NetDate::parse(text),
        }
    }

    /// `DateTime.ToString(InvariantCulture)`: `MM/dd/yyyy HH:mm:ss`, how the cloud writes a
    /// date claim.
    pub fn to_claim(self) -> String {
        let t = self.to_utc();
        format!(
            "{:02}/{:02}/{:04} {:02}:{:02}:{:02}",
            t.month(),
            t.day(),
            t.year(),
            t.hour(),
            t.minute(),
            t.second()
        )
    }
}

/// `count` ASCII digits at `start`.
fn digits(b: &[u8], start: usize, count: usize) -> Option<u32> {
    b.get(start..start + count)?.iter().try_fold(0, |n, c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

/// The digits after the decimal point (at most 16, the first seven kept as ticks) and what
/// follows them. A point needs at least one more character after it.
fn read_fraction(rest: &[u8]) -> Option<(i64, &[u8])> {
    if rest.is_empty() {
        return None;
    }
    let count = rest
        .iter()
        .take(MAX_FRACTION_DIGITS)
        .take_while(|c| c.is_ascii_digit())
        .count();
    let kept = rest[..count.min(7)]
        .iter()
        .fold(0, |n, c| n * 10 + i64::from(c - b'0'));
    let scale = 10_i64.pow(7 - count.min(7) as u32);
    Some((kept * scale, &rest[count..]))
}

/// An offset (`HH` or `HH:mm`, at most 14 hours) in ticks, signed.
fn offset_ticks(sign: u8, offset: &[u8]) -> Option<i64> {
    let hours = match offset.len() {
        2 | 5 => digits(offset, 0, 2)?,
        _ => return None,
    };
    let minutes = if offset.len() == 5 {
        (offset[2] == b':').then_some(())?;
        digits(offset, 3, 2)?
    } else {
        0
    };
    if hours > 14 || minutes > 59 || (hours == 14 && minutes != 0) {
        return None;
    }
    let ticks = i64::from(hours * 3600 + minutes * 60) * TICKS_PER_SECOND;
    Some(if sign == b'-' { -ticks } else { ticks })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seconds(text: &str) -> i64 {
        NetDate::parse(text).unwrap().canonical_seconds()
    }

    #[test]
    fn every_iso_form_of_the_servers_reader_is_read() {
        assert_eq!(seconds("1970-01-02"), 86_400);
        assert_eq!(seconds("1970-01-01T00:01"), 60);
        assert_eq!(seconds("1970-01-01T00:01Z"), 60);
        assert_eq!(seconds("1970-01-01T00:00:01"), 1);
        assert_eq!(seconds("1970-01-01T01:00:01+01:00"), 1);
        assert_eq!(seconds("1970-01-01T01:00:01+01"), 1);
        assert_eq!(seconds("1969-12-31T23:00:01-01:00"), 1);
        assert_eq!(
            NetDate::parse("1970-01-01T00:00:00.1234567890123456Z").map(NetDate::to_json),
            Some("1970-01-01T00:00:00.1234567Z".into())
        );
    }

    #[test]
    fn what_the_servers_reader_refuses_is_no_date() {
        for text in [
            "1970-1-01",
            "1970-01-01 00:00:00",
            "1970-01-01T00",
            "1970-01-01T24:00:00",
            "1970-02-30",
            "0000-01-01",
            "1970-01-01T00:00:00.",
            "1970-01-01T00:00:00.12345678901234567Z",
            "1970-01-01T00:00:00+15:00",
            "1970-01-01T00:00:00+14:30",
            "1970-01-01T00:00:00+0100",
            "1970-01-01T00:00:00ZZ",
            "1970-01-01T00:00:00z",
            "0001-01-01T00:00:00+01:00",
        ] {
            assert_eq!(NetDate::parse(text), None, "{text}");
        }
    }

    #[test]
    fn dates_are_written_back_by_their_kind_without_trailing_zeros() {
        let write = |text| NetDate::parse(text).map(NetDate::to_json);
        assert_eq!(
            write("2025-03-01T00:00:00.5000Z"),
            Some("2025-03-01T00:00:00.5Z".into())
        );
        assert_eq!(write("2025-03-01"), Some("2025-03-01T00:00:00".into()));
        assert_eq!(
            write("2025-03-01T02:00:00+02:00"),
            Some("2025-03-01T00:00:00+00:00".into())
        );
        assert_eq!(NetDate::MIN.to_json(), "0001-01-01T00:00:00");
    }

    #[test]
    fn seconds_round_half_to_even_like_math_round() {
        assert_eq!(seconds("1970-01-01T00:00:01.5Z"), 2);
        assert_eq!(seconds("1970-01-01T00:00:02.5Z"), 2);
        assert_eq!(seconds("1970-01-01T00:00:02.5000001Z"), 3);
        assert_eq!(seconds("1969-12-31T23:59:58.5Z"), -2);
        assert_eq!(NetDate::MIN.canonical_seconds(), -62_135_596_800);
    }

    #[test]
    fn claims_read_and_write_the_invariant_culture_form() {
        let date = NetDate::parse_claim("09/26/2025 12:00:01").unwrap();
        assert_eq!(date.to_json(), "2025-09-26T12:00:01");
        assert_eq!(date.to_claim(), "09/26/2025 12:00:01");
        assert_eq!(
            NetDate::parse_claim("2025-09-26T12:00:01Z").map(NetDate::to_json),
            Some("2025-09-26T12:00:01Z".into())
        );
        assert_eq!(NetDate::parse_claim("yesterday"), None);
    }
}
