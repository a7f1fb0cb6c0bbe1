//! The OS keychain through `keyring`, against the real Secret Service (gnome-keyring)
//! that `make test` starts and unlocks.

use companion_core::secrets::{OsKeychain, SecretStore};
use secrecy::{ExposeSecret, SecretString};

#[test]
#[ignore = "needs an unlocked Secret Service on the session bus: run `make test`"]
fn secret_service_stores_reads_and_deletes_a_secret() {
    let store = OsKeychain::new("license-companion-test");
    let account = format!("round-trip-{}", std::process::id());
    let secret = SecretString::from("billing-sync-token-0123456789abc");

    store
        .set(&account, &secret)
        .expect("write to the Secret Service");
    let read = store
        .get(&account)
        .expect("read back")
        .expect("entry exists");
    assert_eq!(read.expose_secret(), secret.expose_secret());

    assert!(store.delete(&account).expect("delete"));
    assert!(store.get(&account).expect("read after delete").is_none());
}
