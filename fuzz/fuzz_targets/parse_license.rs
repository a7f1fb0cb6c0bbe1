//! Any bytes given as a license file: parsing must return a license or a coded error, never
//! panic; whatever parses must also survive canonical data and a full inspection.
#![no_main]

use std::sync::OnceLock;

use chrono::{TimeZone, Utc};
use companion_core::error::Explain;
use companion_core::license::{canonical, inspect_parsed, parse, InspectOptions, TrustSet};
use libfuzzer_sys::fuzz_target;

fn options() -> &'static InspectOptions {
    static OPTIONS: OnceLock<InspectOptions> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let mut options =
            InspectOptions::new(now, TrustSet::production().expect("pinned certificates"));
        options.email = Some("fuzz@example.com".into());
        options
    })
}

fuzz_target!(|data: &[u8]| {
    match parse(data) {
        Ok(parsed) => {
            let _ = canonical::signature_data(&parsed.license);
            let _ = canonical::compute_hash(&parsed.license);
            let report = inspect_parsed(&parsed, options());
            assert_eq!(report.valid, report.checks.iter().all(|c| c.ok));
            // The CLI prints every report: it must always serialise.
            serde_json::to_string(&report).expect("report serialises");
        }
        Err(err) => {
            assert!(!err.code().is_empty());
            assert!(!err.advice().is_empty());
        }
    }
});
