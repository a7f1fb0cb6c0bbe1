//! Sign-in cost: how long deriving the master key and the server hash takes with the
//! server's default KDF settings. This is the wait a user sees after typing the password.

use std::hint::black_box;
use std::time::Duration;

use companion_core::crypto::{Kdf, MasterKey};
use companion_core::secrets::SecretString;
use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};

fn sign_in_kdf(c: &mut Criterion) {
    let password = SecretString::from("correct horse battery staple");
    let mut group = c.benchmark_group("sign_in_kdf");
    // Each derivation takes a sizeable fraction of a second: flat sampling, few samples.
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    for (name, kdf) in [
        ("pbkdf2_600000", Kdf::DEFAULT_PBKDF2),
        ("argon2id_t6_m32mib_p4", Kdf::DEFAULT_ARGON2ID),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let master_key = MasterKey::derive(black_box(&password), "user@example.com", &kdf)
                    .expect("default KDF settings are valid");
                master_key.server_hash(&password)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, sign_in_kdf);
criterion_main!(benches);
