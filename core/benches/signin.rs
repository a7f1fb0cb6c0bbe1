//! A full password sign-in against the test server over a real socket: prelogin, the
//! master key and server hash with the server's default KDF settings, and the token
//! request. This is the wait a person sees after typing the master password.

use std::time::Duration;

use companion_core::bitwarden::{
    AppKind, Credentials, Device, Endpoints, Http, HttpOptions, Login, LoginStep,
};
use companion_core::secrets::SecretString;
use companion_tests::fake::{FakeBitwarden, Seed};
use criterion::{criterion_group, criterion_main, Criterion};
use uuid::Uuid;

const PASSWORD: &str = "correct horse battery staple";

/// Two accounts with the server's defaults: PBKDF2 600,000 and Argon2id t=6, 32 MiB, p=4.
const SEED: &str = r#"{
  "self_hosted": {
    "users": [
      { "email": "pbkdf2@example.com", "master_password": "correct horse battery staple",
        "kdf": { "type": "pbkdf2", "iterations": 600000 } },
      { "email": "argon2id@example.com", "master_password": "correct horse battery staple",
        "kdf": { "type": "argon2id", "iterations": 6, "memory_mib": 32, "parallelism": 4 } }
    ]
  }
}"#;

fn sign_in(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let server = runtime
        .block_on(
            FakeBitwarden::builder()
                .seed(Seed::from_json(SEED).expect("bench seed"))
                .start(),
        )
        .expect("test server");
    let endpoints = Endpoints::self_hosted(&server.self_hosted_url).expect("endpoints");
    // One device for every sign-in, so no new-device verification gets in the way.
    let http = Http::new(
        HttpOptions::default(),
        Device::with_identifier(AppKind::Cli, Uuid::new_v4()),
    )
    .expect("http");

    let mut group = c.benchmark_group("password_sign_in");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    for (name, email) in [
        ("pbkdf2_600000", "pbkdf2@example.com"),
        ("argon2id_t6_m32mib_p4", "argon2id@example.com"),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                runtime.block_on(async {
                    let credentials = Credentials::Password {
                        email: email.into(),
                        password: SecretString::from(PASSWORD),
                    };
                    let mut login = Login::new(http.clone(), endpoints.clone(), credentials);
                    match login.start().await.expect("sign-in") {
                        LoginStep::Done(session) => session,
                        other => panic!("unexpected step {other:?}"),
                    }
                })
            })
        });
    }
    group.finish();
    drop(server);
}

criterion_group!(benches, sign_in);
criterion_main!(benches);
