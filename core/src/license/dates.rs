//! .NET `DateTime` as the server sees it: 100 ns ticks since 0001-01-01, no time zone.
//!
//! Canonical data renders dates as Unix seconds rounded half-to-even from the ticks, so the
//! sub-second part of a date must survive parsing exactly (contract §1.4).

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Timelike, Utc};
use serde::{Serialize, Serializer};

/// Ticks per second (100 ns units).
const TICKS_PER_SECOND: i64 = 10_000_000;
/// Ticks from 0001-01-01 to 1970-01-01.
const UNIX_EPOCH_TICKS: i64 = 621_355_968_000_000_000;
/// Ticks of 9999-12-31T23:59:59.9999999, the largest .NET `DateTime`.
const MAX_TICKS: i64 = 3_155_378_975_999_999_999;

/// A .NET `DateTime` (UTC assumed; the server ignores the kind when signing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[cfg_attr(feature = "typescript", ts(type = "string"))]
pub struct NetDateTime {
    ticks: i64,
}

/// Why a date string was refused, phrased for the person reading the error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateProblem(pub String);

impl NetDateTime {
    /// The date from raw .NET ticks, when inside the .NET range.
    pub fn from_ticks(ticks: i64) -> Option<Self> {
        (0..=MAX_TICKS).contains(&ticks).then_some(Self { ticks })
    }

    /// The raw .NET ticks.
    pub fn ticks(self) -> i64 {
        self.ticks
    }

    /// The same instant as a chrono time (exact to 100 ns).
    pub fn to_utc(self) -> DateTime<Utc> {
        let since_epoch = self.ticks - UNIX_EPOCH_TICKS;
        let secs = since_epoch.div_euclid(TICKS_PER_SECOND);
        let nanos = (since_epoch.rem_euclid(TICKS_PER_SECOND) * 100) as u32;
        // In range by construction: .NET years 1..9999 fit chrono.
        Utc.timestamp_opt(secs, nanos)
            .single()
            .unwrap_or(DateTime::<Utc>::MIN_UTC)
    }

    /// A chrono time as .NET ticks (sub-100 ns truncated), when inside the .NET range.
    pub fn from_utc(time: DateTime<Utc>) -> Option<Self> {
        let secs = time.timestamp();
        let ticks = secs
            .checked_mul(TICKS_PER_SECOND)?
            .checked_add(i64::from(time.timestamp_subsec_nanos() / 100))?
            .checked_add(UNIX_EPOCH_TICKS)?;
        Self::from_ticks(ticks)
    }

    /// Unix seconds exactly as `CoreHelpers.FormatLicenseSignatureValue` computes them:
    /// `Math.Round((dt - epoch).TotalSeconds)`, a double rounded half to even (contract §1.4).
    pub fn canonical_seconds(self) -> i64 {
        let total_seconds = (self.ticks - UNIX_EPOCH_TICKS) as f64 / TICKS_PER_SECOND as f64;
        total_seconds.round_ties_even() as i64
    }

    /// The same date with the sub-second part dropped, as a token claim carries it.
    pub fn truncated_to_second(self) -> Self {
        Self {
            ticks: self.ticks - self.ticks.rem_euclid(TICKS_PER_SECOND),
        }
    }

    /// ISO 8601 as System.Text.Json writes a UTC `DateTime`: trailing zero digits dropped.
    pub fn to_iso(self) -> String {
        let t = self.to_utc();
        let fraction = self.ticks.rem_euclid(TICKS_PER_SECOND);
        let mut out = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        );
        if fraction != 0 {
            let digits = format!("{fraction:07}");
            out.push('.');
            out.push_str(digits.trim_end_matches('0'));
        }
        out.push('Z');
        out
    }

    /// Parses the ISO 8601 forms the server's JSON reader accepts: `yyyy-MM-dd`, optionally
    /// `THH:mm`, `:ss`, a fraction, and `Z` or `±HH:mm`. Offset-less values are taken as UTC;
    /// an offset is converted to UTC (the server runs in UTC). Up to 16 fraction digits are
    /// read and only the first 7 (100 ns) are kept, as .NET does.
    pub fn parse_iso(text: &str) -> Result<Self, DateProblem> {
        let bad = |why: &str| DateProblem(format!("{why} (expected e.g. 2025-03-01T00:00:00Z)"));
        let b = text.as_bytes();
        let date_part = b.get(..10).ok_or_else(|| bad("too short for a date"))?;
        let year = digits(date_part, 0, 4).ok_or_else(|| bad("the year is not four digits"))?;
        if date_part[4] != b'-' || date_part[7] != b'-' {
            return Err(bad("the date is not yyyy-MM-dd"));
        }
        let month = digits(date_part, 5, 2).ok_or_else(|| bad("the month is not two digits"))?;
        let day = digits(date_part, 8, 2).ok_or_else(|| bad("the day is not two digits"))?;
        let date = NaiveDate::from_ymd_opt(year as i32, month, day)
            .filter(|_| year >= 1)
            .ok_or_else(|| bad("no such calendar date"))?;

        let mut pos = 10;
        let (mut hour, mut minute, mut second, mut fraction) = (0, 0, 0, 0i64);
        if pos < b.len() && b[pos] == b'T' {
            hour = digits(b, pos + 1, 2).ok_or_else(|| bad("the hour is not two digits"))?;
            if b.get(pos + 3) != Some(&b':') {
                return Err(bad("the time is not HH:mm"));
            }
            minute = digits(b, pos + 4, 2).ok_or_else(|| bad("the minute is not two digits"))?;
            pos += 6;
            if b.get(pos) == Some(&b':') {
                second =
                    digits(b, pos + 1, 2).ok_or_else(|| bad("the second is not two digits"))?;
                pos += 3;
                if b.get(pos) == Some(&b'.') {
                    pos += 1;
                    let start = pos;
                    while pos < b.len() && b[pos].is_ascii_digit() {
                        pos += 1;
                    }
                    let count = pos - start;
                    if count == 0 || count > 16 {
                        return Err(bad("the fraction of a second has 0 or more than 16 digits"));
                    }
                    for i in 0..7 {
                        let d = b
                            .get(start + i)
                            .filter(|_| i < count)
                            .map_or(0, |c| c - b'0');
                        fraction = fraction * 10 + i64::from(d);
                    }
                }
            }
            if hour > 23 || minute > 59 || second > 59 {
                return Err(bad("the time of day is out of range"));
            }
        }

        let offset_seconds: i64 = match b.get(pos) {
            None => 0,
            Some(b'Z') if pos + 1 == b.len() => 0,
            Some(sign @ (b'+' | b'-')) if pos + 6 == b.len() && b[pos + 3] == b':' => {
                let oh = digits(b, pos + 1, 2).ok_or_else(|| bad("the offset is not ±HH:mm"))?;
                let om = digits(b, pos + 4, 2).ok_or_else(|| bad("the offset is not ±HH:mm"))?;
                if oh > 14 || om > 59 {
                    return Err(bad("the offset is out of range"));
                }
                let magnitude = i64::from(oh * 3600 + om * 60);
                if *sign == b'+' {
                    magnitude
                } else {
                    -magnitude
                }
            }
            Some(_) => return Err(bad("unexpected text after the time")),
        };

        let days = i64::from(date.num_days_from_ce() - 1);
        let seconds =
            days * 86_400 + i64::from(hour * 3600 + minute * 60 + second) - offset_seconds;
        Self::from_ticks(seconds * TICKS_PER_SECOND + fraction)
            .ok_or_else(|| bad("outside the years 0001..9999"))
    }

    /// Formats as a token claim: `DateTime.ToString(InvariantCulture)` = `MM/dd/yyyy HH:mm:ss`.
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

    /// Reads a token claim date (`MM/dd/yyyy HH:mm:ss`, or ISO 8601 as `DateTime.TryParse`
    /// also accepts it).
    pub fn parse_claim(text: &str) -> Option<Self> {
        let b = text.trim().as_bytes();
        if b.len() == 19 && b[2] == b'/' && b[5] == b'/' && b[10] == b' ' {
            let iso = format!(
                "{}-{}-{}T{}",
                std::str::from_utf8(&b[6..10]).ok()?,
                std::str::from_utf8(&b[0..2]).ok()?,
                std::str::from_utf8(&b[3..5]).ok()?,
                std::str::from_utf8(&b[11..19]).ok()?
            );
            return Self::parse_iso(&iso).ok();
        }
        Self::parse_iso(text.trim()).ok()
    }
}

/// `count` ASCII digits at `start` as a number.
fn digits(b: &[u8], start: usize, count: usize) -> Option<u32> {
    let slice = b.get(start..start + count)?;
    slice.iter().try_fold(0u32, |acc, c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

impl Serialize for NetDateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_iso())
    }
}

/// Whole days from `now` until `then` (negative once passed), rounded down.
pub fn days_until(now: DateTime<Utc>, then: DateTime<Utc>) -> i64 {
    (then - now).num_seconds().div_euclid(86_400)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(text: &str) -> NetDateTime {
        NetDateTime::parse_iso(text).expect(text)
    }

    #[test]
    fn default_date_renders_as_the_dotnet_minimum() {
        assert_eq!(NetDateTime::default().canonical_seconds(), -62_135_596_800);
    }

    #[test]
    fn dates_with_and_without_z_are_the_same_instant() {
        assert_eq!(iso("2025-03-01T00:00:00"), iso("2025-03-01T00:00:00Z"));
        assert_eq!(
            iso("2025-03-01T00:00:00Z").canonical_seconds(),
            1_740_787_200
        );
    }

    #[test]
    fn seven_fraction_digits_keep_tick_precision() {
        let d = iso("2025-05-16T20:50:09.0369317Z");
        assert_eq!(d.ticks() % TICKS_PER_SECOND, 369_317);
        assert_eq!(d.to_iso(), "2025-05-16T20:50:09.0369317Z");
        assert_eq!(
            iso("2025-05-16T20:50:09.036931Z").to_iso(),
            "2025-05-16T20:50:09.036931Z"
        );
    }

    #[test]
    fn half_seconds_round_to_even_seconds() {
        assert_eq!(iso("1970-01-01T00:00:00.5Z").canonical_seconds(), 0);
        assert_eq!(iso("1970-01-01T00:00:01.5Z").canonical_seconds(), 2);
        assert_eq!(iso("1970-01-01T00:00:02.5000001Z").canonical_seconds(), 3);
        assert_eq!(
            iso("2025-09-26T12:00:00.5Z").canonical_seconds(),
            1_758_888_000
        );
        assert_eq!(
            iso("2025-09-26T12:00:01.5Z").canonical_seconds(),
            1_758_888_002
        );
    }

    #[test]
    fn offsets_are_converted_to_utc() {
        assert_eq!(
            iso("2025-03-01T02:00:00+02:00"),
            iso("2025-03-01T00:00:00Z")
        );
        assert_eq!(
            iso("2025-02-28T22:30:00-01:30"),
            iso("2025-03-01T00:00:00Z")
        );
    }

    #[test]
    fn date_only_and_minute_precision_are_accepted() {
        assert_eq!(iso("2025-03-01"), iso("2025-03-01T00:00:00Z"));
        assert_eq!(iso("2025-03-01T10:15"), iso("2025-03-01T10:15:00Z"));
    }

    #[test]
    fn impossible_dates_are_refused_with_a_reason() {
        for bad in [
            "",
            "2025-02-30T00:00:00Z",
            "2025-13-01",
            "25-03-01",
            "2025-03-01T24:00:00",
            "2025-03-01T00:00:00.Z",
            "2025-03-01T00:00:00ZZ",
            "2025-03-01 00:00:00",
            "0000-01-01",
            "9999-12-31T23:59:59-01:00",
            "2025-03-01T00:00:00.12345678901234567Z",
        ] {
            assert!(NetDateTime::parse_iso(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn claim_dates_round_trip_at_second_precision() {
        let d = iso("2025-09-26T12:00:01.75Z");
        assert_eq!(d.to_claim(), "09/26/2025 12:00:01");
        assert_eq!(
            NetDateTime::parse_claim(&d.to_claim()),
            Some(d.truncated_to_second())
        );
        assert_eq!(NetDateTime::parse_claim("not a date"), None);
    }

    #[test]
    fn days_until_rounds_down_and_goes_negative() {
        let now = iso("2025-03-01T12:00:00Z").to_utc();
        assert_eq!(days_until(now, iso("2025-03-03T11:00:00Z").to_utc()), 1);
        assert_eq!(days_until(now, iso("2025-03-01T11:00:00Z").to_utc()), -1);
    }
}
