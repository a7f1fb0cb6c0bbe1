//! One full inspection (parse, canonical data, RSA signature, JWT) against one bare
//! RSA-4096 PKCS#1 v1.5 verification, both with a key made once outside the timed loops.

use chrono::{Duration, TimeZone, Utc};
use companion_core::license::sign::sign_with_token;
use companion_core::license::{
    canonical, inspect, InspectOptions, License, NetDateTime, OrganizationLicense, PlanType,
    TrustSet,
};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use sha2::{Digest, Sha256};

fn bench(c: &mut Criterion) {
    let key = RsaPrivateKey::new(&mut rand::thread_rng(), 4096).expect("RSA-4096 key");
    let now = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
    let at = |days: i64| NetDateTime::from_utc(now + Duration::days(days)).unwrap();
    let mut license = License::Organization(OrganizationLicense {
        name: Some("Acme Corp".into()),
        enabled: true,
        plan_type: PlanType(20),
        seats: Some(25),
        self_host: true,
        version: 15,
        issued: at(-1),
        refresh: Some(at(29)),
        expires: Some(at(425)),
        license_type: Some(1),
        ..Default::default()
    });
    sign_with_token(&mut license, &key, now - Duration::days(1)).unwrap();
    let bytes = license.to_json().into_bytes();
    let options = InspectOptions::new(
        now,
        TrustSet::production()
            .unwrap()
            .trust_key(key.to_public_key()),
    );
    let report = inspect(&bytes, &options).unwrap();
    assert!(
        report.valid,
        "the benchmark license must pass: {:?}",
        report.checks
    );

    let public = key.to_public_key();
    let digest = Sha256::digest(canonical::signature_data(&license).unwrap());
    let signature = key.sign(Pkcs1v15Sign::new::<Sha256>(), &digest).unwrap();

    let mut group = c.benchmark_group("license");
    group.bench_function("full_inspection", |b| {
        b.iter(|| inspect(black_box(&bytes), &options).unwrap())
    });
    group.bench_function("rsa4096_pkcs1v15_verify", |b| {
        b.iter(|| {
            public
                .verify(
                    Pkcs1v15Sign::new::<Sha256>(),
                    black_box(&digest),
                    black_box(&signature),
                )
                .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
