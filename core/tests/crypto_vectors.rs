//! The published Bitwarden test vectors (`tests/data/upstream/crypto-vectors.json`), each
//! checked end to end through the crypto module's public API.

use std::sync::OnceLock;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use companion_core::crypto::*;
use companion_core::error::Explain;

fn vectors() -> &'static Value {
    static VECTORS: OnceLock<Value> = OnceLock::new();
    VECTORS.get_or_init(|| {
        serde_json::from_str(include_str!("data/upstream/crypto-vectors.json"))
            .expect("crypto-vectors.json is valid JSON")
    })
}

/// A string field of the vectors, by path.
fn text(path: &[&str]) -> &'static str {
    path.iter()
        .fold(vectors(), |v, p| match p.parse::<usize>() {
            Ok(i) => &v[i],
            Err(_) => &v[*p],
        })
        .as_str()
        .unwrap_or_else(|| panic!("vector {path:?} is a string"))
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_owned())
}

fn kdf_of(path: &[&str]) -> Kdf {
    let mut node = vectors();
    for p in path {
        node = match p.parse::<usize>() {
            Ok(i) => &node[i],
            Err(_) => &node[*p],
        };
    }
    let kdf = &node["kdf"];
    match kdf["type"].as_str() {
        Some("pbkdf2") => Kdf::from_parts(0, kdf["iterations"].as_u64().unwrap(), None, None),
        Some("argon2id") => Kdf::from_parts(
            1,
            kdf["iterations"].as_u64().unwrap(),
            kdf["memory_mib"].as_u64(),
            kdf["parallelism"].as_u64(),
        ),
        other => panic!("unknown KDF {other:?}"),
    }
    .expect("vector KDF is valid")
}

fn derive(path: &[&str], password: &str, salt: &str) -> MasterKey {
    MasterKey::derive(&secret(password), salt, &kdf_of(path)).expect("derivation succeeds")
}

fn key_from_hex(h: &str) -> SymmetricKey {
    SymmetricKey::from_bytes(&hex(h)).expect("64-byte key")
}

fn pem_to_der(pem: &str) -> Vec<u8> {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    STANDARD.decode(body).expect("PEM body is base64")
}

/// The test account's private key, opened with the vector's user key (no KDF needed).
fn test_account_private_key() -> PrivateKey {
    let user_key = key_from_hex(text(&["account_test_bitwarden_com", "user_key_hex"]));
    let wrapped = text(&["account_test_bitwarden_com", "private_key_enc_string"]);
    decrypt_private_key(&user_key, &wrapped.parse().unwrap()).expect("private key opens")
}

fn test_account_public_key() -> &'static str {
    text(&["account_test_bitwarden_com", "public_key_spki_b64"])
}

fn rsa_vector_private_key() -> PrivateKey {
    PrivateKey::from_pkcs8_der(&pem_to_der(text(&["rsa_oaep", "private_key_pkcs8_pem"])))
        .expect("PKCS#8 PEM vector")
}

// ---- KDF, hashes, stretching (crypto §1) ----

#[test]
fn pbkdf2_master_key_and_stretched_key_match_the_sdk() {
    let key = derive(
        &["kdf", "0"],
        text(&["kdf", "0", "password"]),
        text(&["kdf", "0", "salt"]),
    );
    assert_eq!(
        to_hex(&testing::master_key_bytes(&key)),
        text(&["kdf", "0", "master_key_hex"])
    );
    let stretched = key.stretch();
    assert_eq!(
        to_hex(&stretched.as_bytes()[..32]),
        text(&["kdf", "0", "stretched_enc_hex"])
    );
    assert_eq!(
        to_hex(&stretched.as_bytes()[32..]),
        text(&["kdf", "0", "stretched_mac_hex"])
    );
}

#[test]
fn argon2id_master_key_hashes_the_salt_with_sha256_first() {
    let key = derive(
        &["kdf", "1"],
        text(&["kdf", "1", "password"]),
        text(&["kdf", "1", "salt"]),
    );
    assert_eq!(
        to_hex(&testing::master_key_bytes(&key)),
        text(&["kdf", "1", "master_key_hex"])
    );
}

#[test]
fn pbkdf2_server_hash_is_wmyad_and_local_hash_differs() {
    let password = text(&["kdf", "2", "password"]);
    let key = derive(&["kdf", "2"], password, text(&["kdf", "2", "salt"]));
    assert_eq!(
        to_hex(&testing::master_key_bytes(&key)),
        text(&["kdf", "2", "master_key_hex"])
    );
    let server = key.server_hash(&secret(password));
    assert_eq!(
        server.expose_secret(),
        "wmyadRMyBZOH7P/a/ucTCbSghKgdzDpPqUnu/DAVtSw="
    );
    assert_eq!(
        server.expose_secret(),
        text(&["kdf", "2", "server_hash_b64"])
    );
    assert_eq!(
        key.local_hash(&secret(password)).expose_secret(),
        text(&["kdf", "2", "local_hash_b64"])
    );
}

#[test]
fn salt_case_and_surrounding_whitespace_give_the_same_master_key() {
    let password = text(&["kdf", "2", "password"]);
    let expected = text(&["kdf", "2", "master_key_hex"]);
    let variants = vectors()["kdf"][2]["salt_variants_same_result"]
        .as_array()
        .unwrap();
    assert_eq!(variants.len(), 2);
    for salt in variants {
        let key = derive(&["kdf", "2"], password, salt.as_str().unwrap());
        assert_eq!(
            to_hex(&testing::master_key_bytes(&key)),
            expected,
            "salt {salt}"
        );
    }
}

#[test]
fn argon2id_server_hash_is_pr6u() {
    let password = text(&["kdf", "3", "password"]);
    let key = derive(&["kdf", "3"], password, text(&["kdf", "3", "salt"]));
    assert_eq!(
        to_hex(&testing::master_key_bytes(&key)),
        text(&["kdf", "3", "master_key_hex"])
    );
    let server = key.server_hash(&secret(password));
    assert_eq!(
        server.expose_secret(),
        "PR6UjYmjmppTYcdyTiNbAhPJuQQOmynKbdEl1oyi/iQ="
    );
}

#[test]
fn local_hash_uses_two_iterations_and_server_hash_one() {
    let password = text(&["kdf", "4", "password"]);
    let key = derive(&["kdf", "4"], password, text(&["kdf", "4", "salt"]));
    assert_eq!(
        to_hex(&testing::master_key_bytes(&key)),
        text(&["kdf", "4", "master_key_hex"])
    );
    assert_eq!(
        key.local_hash(&secret(password)).expose_secret(),
        text(&["kdf", "4", "local_hash_b64"])
    );
    assert_eq!(
        key.server_hash(&secret(password)).expose_secret(),
        text(&["kdf", "4", "server_hash_b64"])
    );
}

#[test]
fn password_is_used_as_typed_without_trimming() {
    let kdf = Kdf::from_parts(0, 5000, None, None).unwrap();
    let plain = MasterKey::derive(&secret("pass"), "a@b.c", &kdf).unwrap();
    let spaced = MasterKey::derive(&secret("pass "), "a@b.c", &kdf).unwrap();
    assert_ne!(
        testing::master_key_bytes(&plain),
        testing::master_key_bytes(&spaced)
    );
}

#[test]
fn hkdf_expand_matches_the_sdk_vector() {
    let prk: [u8; 32] = hex(text(&["hkdf_expand", "prk_hex"])).try_into().unwrap();
    let okm = testing::hkdf_expand_64(&prk, text(&["hkdf_expand", "info"]).as_bytes());
    assert_eq!(vectors()["hkdf_expand"]["length"], json!(64));
    assert_eq!(to_hex(okm.as_ref()), text(&["hkdf_expand", "okm_hex"]));
}

// ---- AES-256-CBC-HMAC (type 2) ----

#[test]
fn type2_vector_decrypts_to_its_plaintext_and_prints_back_exactly() {
    let v = &vectors()["aes256_cbc_hmac"];
    let key = key_from_hex(v["key_hex"].as_str().unwrap());
    assert_eq!(
        to_hex(&key.as_bytes()[..32]),
        v["enc_key_hex"].as_str().unwrap()
    );
    assert_eq!(
        to_hex(&key.as_bytes()[32..]),
        v["mac_key_hex"].as_str().unwrap()
    );
    let enc_string = text(&["aes256_cbc_hmac", "enc_string"]);
    let parsed: EncString = enc_string.parse().unwrap();
    assert_eq!(parsed.to_string(), enc_string);
    let EncString::AesCbc256HmacSha256B64 { iv, data, mac } = &parsed else {
        panic!("type 2 expected, got {parsed:?}");
    };
    assert_eq!(to_hex(iv), v["iv_hex"].as_str().unwrap());
    assert_eq!(to_hex(data), v["ciphertext_hex"].as_str().unwrap());
    assert_eq!(to_hex(mac), v["mac_hex"].as_str().unwrap());
    assert_eq!(
        key.decrypt_to_string(&parsed).unwrap().as_str(),
        v["plaintext_utf8"].as_str().unwrap()
    );
}

#[test]
fn type2_encrypt_with_a_fixed_iv_gives_the_exact_strings() {
    for name in ["aes256_cbc_hmac", "aes256_cbc_hmac_encrypt_me"] {
        let v = &vectors()[name];
        let key = key_from_hex(v["key_hex"].as_str().unwrap());
        let iv: [u8; 16] = hex(v["iv_hex"].as_str().unwrap()).try_into().unwrap();
        let encrypted = key.encrypt_with_iv(v["plaintext_utf8"].as_str().unwrap().as_bytes(), iv);
        assert_eq!(
            encrypted.to_string(),
            v["enc_string"].as_str().unwrap(),
            "{name}"
        );
        let EncString::AesCbc256HmacSha256B64 { data, .. } = &encrypted else {
            panic!("type 2 expected");
        };
        assert_eq!(
            to_hex(data),
            v["ciphertext_hex"].as_str().unwrap(),
            "{name}"
        );
    }
}

#[test]
fn random_iv_encryption_round_trips_and_never_repeats() {
    let key = SymmetricKey::generate();
    let a = key.encrypt(b"Default collection");
    let b = key.encrypt(b"Default collection");
    assert_ne!(a, b);
    assert_eq!(
        key.decrypt_to_string(&a).unwrap().as_str(),
        "Default collection"
    );
    let empty = key.encrypt(b"");
    let EncString::AesCbc256HmacSha256B64 { data, .. } = &empty else {
        panic!("type 2 expected");
    };
    assert_eq!(data.len(), 16, "an empty plaintext is one padding block");
    assert!(key.decrypt(&empty).unwrap().is_empty());
}

#[test]
fn tampering_one_mac_byte_fails_with_mac_mismatch() {
    let v = &vectors()["aes256_cbc_hmac"];
    let key = key_from_hex(v["key_hex"].as_str().unwrap());
    let EncString::AesCbc256HmacSha256B64 { iv, data, mut mac } =
        text(&["aes256_cbc_hmac", "enc_string"]).parse().unwrap()
    else {
        panic!("type 2 expected");
    };
    mac[0] ^= 1;
    let err = key
        .decrypt(&EncString::AesCbc256HmacSha256B64 { iv, data, mac })
        .unwrap_err();
    assert_eq!(err.code(), "mac_mismatch");
    assert!(err.advice().contains("master password"), "{}", err.advice());
}

#[test]
fn tampering_the_ciphertext_fails_the_mac_before_decryption() {
    let key = SymmetricKey::generate();
    let EncString::AesCbc256HmacSha256B64 { iv, mut data, mac } = key.encrypt(b"secret") else {
        panic!("type 2 expected");
    };
    data[0] ^= 0x80;
    let err = key
        .decrypt(&EncString::AesCbc256HmacSha256B64 { iv, data, mac })
        .unwrap_err();
    assert_eq!(err.code(), "mac_mismatch");
}

#[test]
fn wrong_master_key_fails_to_unwrap_the_user_key_with_mac_mismatch() {
    let wrapped: EncString = text(&["account_test_bitwarden_com", "key_enc_string"])
        .parse()
        .unwrap();
    let err = decrypt_user_key(&MasterKey::from_bytes([7; 32]), &wrapped).unwrap_err();
    assert_eq!(err.code(), "mac_mismatch");
    assert_eq!(err.problem().code, "mac_mismatch");
}

// ---- The full test account chain (crypto §2.4, §2.5) ----

#[test]
fn test_account_master_key_unlocks_to_its_stored_public_key() {
    let v = &vectors()["account_test_bitwarden_com"];
    let password = v["password"].as_str().unwrap();
    let master_key = derive(
        &["account_test_bitwarden_com"],
        password,
        v["email"].as_str().unwrap(),
    );
    assert_eq!(
        to_hex(&testing::master_key_bytes(&master_key)),
        v["master_key_hex"].as_str().unwrap()
    );
    let stretched = master_key.stretch();
    assert_eq!(
        to_hex(&stretched.as_bytes()[..32]),
        v["stretched_enc_hex"].as_str().unwrap()
    );
    assert_eq!(
        to_hex(&stretched.as_bytes()[32..]),
        v["stretched_mac_hex"].as_str().unwrap()
    );
    assert_eq!(
        master_key.server_hash(&secret(password)).expose_secret(),
        v["server_hash_b64"].as_str().unwrap()
    );
    assert_eq!(
        master_key.local_hash(&secret(password)).expose_secret(),
        v["local_hash_b64"].as_str().unwrap()
    );

    // A token response as the identity server sends it (PascalCase custom fields).
    let token_response = json!({
        "access_token": "x",
        "Key": v["key_enc_string"],
        "PrivateKey": v["private_key_enc_string"],
        "Kdf": 0, "KdfIterations": 600000,
        "AccountKeys": {
            "object": "privateKeys",
            "publicKeyEncryptionKeyPair": {
                "wrappedPrivateKey": v["private_key_enc_string"],
                "publicKey": v["public_key_spki_b64"],
                "signedPublicKey": null
            },
            "signatureKeyPair": null,
            "securityState": null
        }
    });
    assert_eq!(
        Kdf::from_json(&token_response).unwrap(),
        Kdf::DEFAULT_PBKDF2
    );
    let account = EncryptedAccount::from_json(&token_response).unwrap();
    assert_eq!(account.v2_reason(), None);
    assert_eq!(
        account.public_key.as_deref(),
        Some(test_account_public_key())
    );
    let unlocked = account.unlock(&master_key).unwrap();
    assert_eq!(
        to_hex(unlocked.user_key.as_bytes()),
        v["user_key_hex"].as_str().unwrap()
    );
    assert_eq!(
        STANDARD.encode(unlocked.user_key.as_bytes()),
        v["user_key_b64"].as_str().unwrap()
    );
    let der = unlocked.private_key.to_pkcs8_der().unwrap();
    assert_eq!(
        der.len() as u64,
        v["private_key_pkcs8_der_len"].as_u64().unwrap()
    );
    assert_eq!(
        to_hex(&Sha256::digest(der.as_slice())),
        v["private_key_pkcs8_der_sha256_hex"].as_str().unwrap()
    );
    assert_eq!(
        unlocked.public_key().to_spki_b64().unwrap(),
        test_account_public_key()
    );
}

#[test]
fn test_account_org_key_opens_the_org_key_pair() {
    let v = &vectors()["account_test_bitwarden_com"];
    let private_key = test_account_private_key();
    let org_key = decapsulate_org_key(
        &private_key,
        v["org_key_enc_string_type4"].as_str().unwrap(),
    )
    .unwrap();
    assert_eq!(
        to_hex(org_key.as_bytes()),
        v["org_key_hex"].as_str().unwrap()
    );
    let org_private_key = open_org_key_pair(
        &org_key,
        v["org_public_key_spki_b64"].as_str().unwrap(),
        v["org_private_key_enc_string"].as_str().unwrap(),
    )
    .unwrap();
    assert_eq!(
        to_hex(&Sha256::digest(
            org_private_key.to_pkcs8_der().unwrap().as_slice()
        )),
        v["org_private_key_pkcs8_der_sha256_hex"].as_str().unwrap()
    );
    assert_eq!(
        org_private_key.public_key().to_spki_b64().unwrap(),
        v["org_public_key_spki_b64"].as_str().unwrap()
    );
}

#[test]
fn org_key_pair_with_someone_elses_public_key_is_a_mismatch() {
    let v = &vectors()["account_test_bitwarden_com"];
    let org_key = key_from_hex(v["org_key_hex"].as_str().unwrap());
    let err = open_org_key_pair(
        &org_key,
        test_account_public_key(),
        v["org_private_key_enc_string"].as_str().unwrap(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "org_key_pair_mismatch");
}

// ---- Legacy type 0 (crypto §2.4) ----

#[test]
fn legacy_type0_user_key_decrypts_with_the_raw_master_key() {
    let v = &vectors()["legacy_type0_user_key"];
    let master_key = derive(
        &["legacy_type0_user_key"],
        v["password"].as_str().unwrap(),
        v["email"].as_str().unwrap(),
    );
    assert_eq!(
        to_hex(&testing::master_key_bytes(&master_key)),
        v["master_key_hex"].as_str().unwrap()
    );
    let wrapped: EncString = v["key_enc_string"].as_str().unwrap().parse().unwrap();
    assert_eq!(wrapped.enc_type(), 0);
    let user_key = decrypt_user_key(&master_key, &wrapped).unwrap();
    assert_eq!(
        to_hex(user_key.as_bytes()),
        v["user_key_hex"].as_str().unwrap()
    );
}

#[test]
fn type0_vector_decrypts_with_a_raw_master_key() {
    let v = &vectors()["type0_with_raw_master_key"];
    let raw: [u8; 32] = STANDARD
        .decode(v["master_key_b64"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let wrapped: EncString = v["enc_string"].as_str().unwrap().parse().unwrap();
    assert_eq!(wrapped.to_string(), v["enc_string"].as_str().unwrap());
    let user_key = decrypt_user_key(&MasterKey::from_bytes(raw), &wrapped).unwrap();
    assert_eq!(
        to_hex(user_key.as_bytes()),
        v["plaintext_hex"].as_str().unwrap()
    );
}

#[test]
fn type0_value_given_to_a_64_byte_key_is_wrong_key_type() {
    let wrapped: EncString = text(&["type0_with_raw_master_key", "enc_string"])
        .parse()
        .unwrap();
    let err = SymmetricKey::generate().decrypt(&wrapped).unwrap_err();
    assert_eq!(err.code(), "wrong_key_type");
    let private_key_as_type0 =
        decrypt_private_key(&SymmetricKey::generate(), &wrapped).unwrap_err();
    assert_eq!(private_key_as_type0.code(), "wrong_key_type");
}

// ---- RSA-OAEP (crypto §2.6) ----

#[test]
fn rsa_oaep_types_3_4_and_6_open_to_the_same_key() {
    let v = &vectors()["rsa_oaep"];
    let private_key = rsa_vector_private_key();
    assert_eq!(
        private_key.public_key().to_spki_b64().unwrap(),
        v["public_key_spki_b64"].as_str().unwrap()
    );
    for (name, enc_type) in [
        ("type3_enc_string", 3),
        ("type4_enc_string", 4),
        ("type6_enc_string", 6),
    ] {
        let value: EncString = v[name].as_str().unwrap().parse().unwrap();
        assert_eq!(value.enc_type(), enc_type);
        assert_eq!(
            value.to_string(),
            v[name].as_str().unwrap(),
            "{name} prints back"
        );
        let key = private_key.decapsulate(&value).unwrap();
        assert_eq!(
            to_hex(key.as_bytes()),
            v["plaintext_key_hex"].as_str().unwrap(),
            "{name}"
        );
        assert_eq!(
            STANDARD.encode(key.as_bytes()),
            v["plaintext_key_b64"].as_str().unwrap()
        );
    }
}

#[test]
fn rsa_value_under_another_key_fails_to_decrypt() {
    let value: EncString = text(&["rsa_oaep", "type4_enc_string"]).parse().unwrap();
    let err = test_account_private_key().decapsulate(&value).unwrap_err();
    assert_eq!(err.code(), "decryption_failed");
}

#[test]
fn pkcs8_der_survives_a_decode_encode_round_trip_byte_for_byte() {
    let der = pem_to_der(text(&["rsa_oaep", "private_key_pkcs8_pem"]));
    assert_eq!(
        rsa_vector_private_key().to_pkcs8_der().unwrap().as_slice(),
        der.as_slice()
    );
}

// ---- Organization creation (crypto §3.1) ----

#[test]
fn org_creation_example_with_fixed_key_and_ivs_gives_the_exact_strings() {
    let v = &vectors()["org_creation_example"];
    assert_eq!(
        STANDARD.encode(hex(v["org_key_hex"].as_str().unwrap())),
        v["org_key_b64"].as_str().unwrap()
    );
    let ivs = [
        hex(v["collection_iv_hex"].as_str().unwrap())
            .try_into()
            .unwrap(),
        hex(v["org_private_key_iv_hex"].as_str().unwrap())
            .try_into()
            .unwrap(),
    ];
    let keys = testing::organization_keys_with_ivs(
        &PublicKey::from_spki_b64(test_account_public_key()).unwrap(),
        key_from_hex(v["org_key_hex"].as_str().unwrap()),
        &rsa_vector_private_key(),
        Some(v["collection_plaintext"].as_str().unwrap()),
        ivs,
    )
    .unwrap();
    assert_eq!(
        keys.collection_name
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        v["collection_name_enc_string"].as_str()
    );
    assert_eq!(
        keys.encrypted_private_key.to_string(),
        v["org_encrypted_private_key"].as_str().unwrap()
    );
    assert_eq!(
        keys.public_key,
        v["org_public_key_spki_b64"].as_str().unwrap()
    );
    // OAEP is randomised: the `key` is checked by opening it with the owner's private key.
    assert_eq!(keys.key.enc_type(), 4);
    assert_eq!(keys.key.to_string().len(), 346);
    let owner = test_account_private_key();
    assert_eq!(
        to_hex(
            decapsulate_org_key(&owner, &keys.key.to_string())
                .unwrap()
                .as_bytes()
        ),
        v["org_key_hex"].as_str().unwrap()
    );
}

#[test]
fn org_creation_example_key_opens_with_the_test_account_private_key() {
    let v = &vectors()["org_creation_example"];
    let owner = test_account_private_key();
    let opened = open_organization_keys(
        &owner,
        &PostedOrganizationKeys {
            key: v["key_type4_for_test_account"].as_str().unwrap(),
            collection_name: v["collection_name_enc_string"].as_str(),
            public_key: v["org_public_key_spki_b64"].as_str(),
            encrypted_private_key: v["org_encrypted_private_key"].as_str(),
        },
    )
    .unwrap();
    assert_eq!(
        to_hex(opened.org_key.as_bytes()),
        v["org_key_hex"].as_str().unwrap()
    );
    assert_eq!(
        opened.collection_name.as_deref().map(String::as_str),
        v["collection_plaintext"].as_str()
    );
    assert!(opened.private_key.is_some());
    let shown = format!("{opened:?}");
    assert!(!shown.contains("Default collection"), "{shown}");
}

#[test]
fn generated_org_keys_open_with_the_owner_private_key() {
    let keys =
        OrganizationKeys::generate(test_account_public_key(), Some("Default collection")).unwrap();
    let key = keys.key.to_string();
    let collection_name = keys.collection_name.as_ref().unwrap().to_string();
    let encrypted_private_key = keys.encrypted_private_key.to_string();
    assert_eq!(key.len(), 346);
    assert_eq!(collection_name.len(), 116);
    assert_eq!(keys.public_key.len(), 392);
    assert!(keys
        .public_key
        .starts_with("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"));
    assert!(encrypted_private_key.starts_with("2."));

    let opened = open_organization_keys(
        &test_account_private_key(),
        &PostedOrganizationKeys {
            key: &key,
            collection_name: Some(&collection_name),
            public_key: Some(&keys.public_key),
            encrypted_private_key: Some(&encrypted_private_key),
        },
    )
    .unwrap();
    assert_eq!(opened.org_key.as_bytes(), keys.org_key().as_bytes());
    assert_eq!(
        opened.collection_name.unwrap().as_str(),
        "Default collection"
    );
    let org_private_key = opened.private_key.unwrap();
    assert_eq!(
        org_private_key.public_key().to_spki_b64().unwrap(),
        keys.public_key
    );
    assert_eq!(org_private_key.public_key().bits(), 2048);
}

#[test]
fn org_keys_without_a_collection_name_or_with_a_blank_one_send_none() {
    let none = OrganizationKeys::generate(test_account_public_key(), None).unwrap();
    assert!(none.collection_name.is_none());
    let blank = OrganizationKeys::generate(test_account_public_key(), Some("  ")).unwrap();
    assert!(blank.collection_name.is_none());
}

#[test]
fn posting_only_half_of_the_org_key_pair_is_refused() {
    let keys = OrganizationKeys::generate(test_account_public_key(), None).unwrap();
    let key = keys.key.to_string();
    let err = open_organization_keys(
        &test_account_private_key(),
        &PostedOrganizationKeys {
            key: &key,
            public_key: Some(&keys.public_key),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), "org_keys_incomplete");
}

#[test]
fn org_key_shared_as_anything_but_type4_is_refused() {
    let err = decapsulate_org_key(
        &rsa_vector_private_key(),
        text(&["rsa_oaep", "type3_enc_string"]),
    )
    .unwrap_err();
    assert_eq!(err.code(), "unsupported_enc_type");
}

#[test]
fn user_public_key_that_is_not_spki_is_refused() {
    let err = OrganizationKeys::generate("not a key", None).unwrap_err();
    assert_eq!(err.code(), "invalid_public_key");
    let err = OrganizationKeys::generate("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A", None).unwrap_err();
    assert_eq!(err.code(), "invalid_public_key");
}

// ---- V2 accounts (crypto §2.7) ----

fn v2_token_response() -> Value {
    let v = &vectors()["v2_account_detection"];
    json!({
        "Key": text(&["account_test_bitwarden_com", "key_enc_string"]),
        "PrivateKey": v["private_key_type7"],
        "AccountKeys": {
            "object": "privateKeys",
            "publicKeyEncryptionKeyPair": {
                "wrappedPrivateKey": v["private_key_type7"],
                "publicKey": test_account_public_key(),
                "signedPublicKey": v["signed_public_key"]
            },
            "signatureKeyPair": {
                "wrappedSigningKey": v["signing_key_type7"],
                "verifyingKey": "AA=="
            },
            "securityState": {"securityState": v["security_state"], "securityVersion": 2}
        }
    })
}

#[test]
fn v2_account_with_a_signing_key_pair_is_refused_before_decrypting() {
    let account = EncryptedAccount::from_json(&v2_token_response()).unwrap();
    assert_eq!(
        account.v2_reason(),
        Some("the account has a signing key pair")
    );
    // Any master key: the refusal comes before any decryption is tried.
    let err = account.unlock(&MasterKey::from_bytes([0; 32])).unwrap_err();
    assert_eq!(err.code(), "v2_account");
    assert!(err.to_string().contains("newer encryption format"), "{err}");
    assert!(err.advice().contains("Update"), "{}", err.advice());
}

#[test]
fn v2_type7_private_key_is_detected_and_refused() {
    let mut response = v2_token_response();
    response["AccountKeys"]["signatureKeyPair"] = Value::Null;
    let account = EncryptedAccount::from_json(&response).unwrap();
    assert_eq!(
        account.private_key.as_ref().map(EncString::enc_type),
        Some(7)
    );
    assert_eq!(
        account.v2_reason(),
        Some("the private key is a type-7 (COSE) encrypted value")
    );
    let type7: EncString = text(&["v2_account_detection", "private_key_type7"])
        .parse()
        .unwrap();
    assert_eq!(
        type7.to_string(),
        text(&["v2_account_detection", "private_key_type7"])
    );
    let err = decrypt_private_key(&SymmetricKey::generate(), &type7).unwrap_err();
    assert_eq!(err.code(), "v2_account");
    let err = test_account_private_key().decrypt(&type7).unwrap_err();
    assert_eq!(err.code(), "v2_account");
}

#[test]
fn v2_padded_cose_user_key_is_refused_after_decryption() {
    let cose = STANDARD
        .decode(text(&[
            "v2_account_detection",
            "decrypted_user_key_cose_b64",
        ]))
        .unwrap();
    assert_eq!(cose.len(), 69);
    assert_eq!(
        SymmetricKey::from_bytes(&cose).unwrap_err().code(),
        "v2_account"
    );
    let master_key = MasterKey::from_bytes([3; 32]);
    let wrapped = master_key.stretch().encrypt(&cose);
    let err = decrypt_user_key(&master_key, &wrapped).unwrap_err();
    assert_eq!(err.code(), "v2_account");
}

#[test]
fn v2_signing_key_and_type7_user_key_are_refused() {
    let signing: EncString = text(&["v2_account_detection", "signing_key_type7"])
        .parse()
        .unwrap();
    assert_eq!(signing.enc_type(), 7);
    let err = decrypt_user_key(&MasterKey::from_bytes([0; 32]), &signing).unwrap_err();
    assert_eq!(err.code(), "v2_account");
    assert_eq!(
        SymmetricKey::generate()
            .decrypt(&signing)
            .unwrap_err()
            .code(),
        "v2_account"
    );
}

#[test]
fn account_without_keys_names_the_missing_field() {
    let account = EncryptedAccount::from_json(&json!({"access_token": "x"})).unwrap();
    assert_eq!(
        account,
        EncryptedAccount {
            user_key: None,
            private_key: None,
            public_key: None,
            has_signature_key_pair: false,
        }
    );
    let err = account.unlock(&MasterKey::from_bytes([0; 32])).unwrap_err();
    assert_eq!(err.code(), "account_field_missing");
    assert!(err.to_string().contains("user key"), "{err}");
}

#[test]
fn master_password_unlock_user_key_wins_over_the_deprecated_key() {
    let legacy = text(&["type0_with_raw_master_key", "enc_string"]);
    let current = text(&["account_test_bitwarden_com", "key_enc_string"]);
    let response = json!({
        "Key": legacy,
        "UserDecryptionOptions": {"MasterPasswordUnlock": {"MasterKeyEncryptedUserKey": current, "Salt": "test@bitwarden.com"}}
    });
    let account = EncryptedAccount::from_json(&response).unwrap();
    assert_eq!(
        account.user_key.map(|k| k.to_string()).as_deref(),
        Some(current)
    );
}

#[test]
fn secrets_never_appear_in_debug_output() {
    let master_key = MasterKey::from_bytes([0x5a; 32]);
    let user_key = key_from_hex(text(&["account_test_bitwarden_com", "user_key_hex"]));
    let private_key = test_account_private_key();
    let shown = format!("{master_key:?} {user_key:?} {private_key:?}");
    assert_eq!(
        shown,
        "MasterKey([redacted]) SymmetricKey([redacted]) PrivateKey([redacted])"
    );
    let keys =
        OrganizationKeys::generate(test_account_public_key(), Some("Default collection")).unwrap();
    let shown = format!("{keys:?}");
    assert!(!shown.contains(&keys.key.to_string()), "{shown}");
    assert!(!shown.contains("Default collection"));
    assert!(shown.contains("SymmetricKey([redacted])"));
}
