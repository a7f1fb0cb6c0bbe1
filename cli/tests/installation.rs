//! `bwlicense installation` as an admin runs it: the real binary on fixture installations,
//! in text and JSON, with exit codes, the cloud check against a local fake cloud, the safe
//! fix, and the installation key never on screen.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use axum::extract::Path as UrlPath;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::Value;

const ID: &str = "11111111-2222-4333-8444-555555555555";
const KEY: &str = "FAKE-installation-key-do-not-print";
const LITE_KEY: &str = "FAKE-lite-installation-key-do-not-print";

fn data(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/installation")
        .join(relative)
}

fn bwlicense(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_bwlicense"));
    command
        .args(args)
        .env_remove("BWLICENSE_CLOUD_API_US")
        .env_remove("BWLICENSE_CLOUD_API_EU");
    command
}

fn run(command: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("run bwlicense");
    let stdout = String::from_utf8(stdout).expect("UTF-8 stdout");
    let stderr = String::from_utf8(stderr).expect("UTF-8 stderr");
    for secret in [KEY, LITE_KEY] {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "installation key printed:\n{stdout}\n{stderr}"
        );
    }
    (status.code().unwrap_or(-1), stdout, stderr)
}

/// The one JSON object `--json` prints.
fn one_json_object(stdout: &str) -> Value {
    assert_eq!(
        stdout.trim_end().lines().count(),
        1,
        "exactly one line of JSON: {stdout}"
    );
    let value: Value = serde_json::from_str(stdout).expect("valid JSON");
    assert!(value.is_object());
    value
}

#[test]
fn json_output_has_the_public_fields_and_exit_zero() {
    let bwdata = data("standard/bwdata");
    let (code, stdout, _) = run(&mut bwlicense(&[
        "installation",
        "--bwdata",
        bwdata.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(code, 0);
    let value = one_json_object(&stdout);
    assert_eq!(value["installation_id"], ID);
    assert_eq!(value["installation_key_present"], true);
    assert_eq!(value["region"], "US");
    assert_eq!(value["cloud_communication"], false);
    assert_eq!(value["vault_url"], "https://vault.example.test");
    assert_eq!(value["api_uri"], "https://api.bitwarden.com");
    assert_eq!(value["identity_uri"], "https://identity.bitwarden.com");
    assert_eq!(value["layout"], "standard");
    assert_eq!(value["source"], bwdata.to_str().unwrap());
    assert_eq!(value["findings"][0]["code"], "cloud_communication_off");
    assert!(
        value["findings"][0]["message"].is_string() && value["findings"][0]["advice"].is_string()
    );
    assert_eq!(value["findings"][0]["hint"], ENABLE_CLOUD);
    assert!(value.get("cloud_check").is_none(), "only when asked");
}

const ENABLE_CLOUD: &str =
    "Run: bwlicense installation enable-cloud-communication (it keeps a backup)";

#[test]
fn an_eu_installation_on_us_uris_is_pointed_at_the_safe_fix() {
    let env = data("broken/eu_region_default_uris.env");
    let (code, stdout, _) = run(&mut bwlicense(&[
        "installation",
        "--env-file",
        env.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(code, 0);
    let value = one_json_object(&stdout);
    assert_eq!(value["findings"][0]["code"], "region_uri_mismatch");
    assert!(!value["findings"][0]["advice"]
        .as_str()
        .unwrap()
        .contains("bwlicense"));
    assert_eq!(value["findings"][0]["hint"], ENABLE_CLOUD);
}

#[test]
fn human_output_is_short_uncoloured_when_piped_and_names_lines() {
    let env = data("crlf-bom/global.override.env");
    let (code, stdout, _) = run(&mut bwlicense(&[
        "installation",
        "--env-file",
        env.to_str().unwrap(),
    ]));
    assert_eq!(code, 0);
    assert!(
        stdout.contains(ID) && stdout.contains("(line 9)"),
        "{stdout}"
    );
    assert!(stdout.contains("Installation key     present"), "{stdout}");
    assert!(stdout.contains("[cloud_communication_off]"), "{stdout}");
    assert!(
        stdout.contains(&format!("    {ENABLE_CLOUD}\n")),
        "{stdout}"
    );
    assert!(
        !stdout.contains('\x1b'),
        "no colour when stdout is not a terminal"
    );
    assert!(stdout.lines().count() < 20, "{stdout}");
}

#[test]
fn lite_installation_reads_as_lite() {
    let lite = data("lite");
    let (code, stdout, _) = run(&mut bwlicense(&[
        "installation",
        "--bwdata",
        lite.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(code, 0);
    let value = one_json_object(&stdout);
    assert_eq!(value["layout"], "lite");
    assert_eq!(value["region"], "EU");
    assert_eq!(value["findings"], Value::Array(vec![]));
}

#[test]
fn nothing_readable_exits_two_with_a_json_error() {
    let missing = data("broken/no-such-folder");
    let (code, stdout, _) = run(&mut bwlicense(&[
        "installation",
        "--bwdata",
        missing.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(code, 2);
    let value = one_json_object(&stdout);
    assert_eq!(value["error"]["code"], "installation_not_found");
    assert!(value["error"]["message"]
        .as_str()
        .unwrap()
        .contains("no-such-folder"));
    assert!(!value["error"]["advice"].as_str().unwrap().is_empty());
    assert!(value["error"]["hint"].is_null(), "{value}");

    let (code, stdout, stderr) = run(&mut bwlicense(&[
        "installation",
        "--env-file",
        data("broken/binary.env").to_str().unwrap(),
    ]));
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains("not a text file"), "{stderr}");
}

#[test]
fn finds_bwdata_in_the_current_folder_when_nothing_is_named() {
    let cwd = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    fs::create_dir_all(cwd.path().join("bwdata/env")).unwrap();
    fs::copy(
        data("healthy.env"),
        cwd.path().join("bwdata/env/global.override.env"),
    )
    .unwrap();
    let (code, stdout, _) = run(bwlicense(&["installation", "--json"])
        .current_dir(cwd.path())
        .env("HOME", home.path()));
    assert_eq!(code, 0, "{stdout}");
    let value = one_json_object(&stdout);
    assert_eq!(value["installation_id"], ID);
    assert!(value["source"].as_str().unwrap().ends_with("bwdata"));
}

#[test]
fn ssh_without_an_ssh_client_says_how_to_install_it() {
    let empty_path = tempfile::tempdir().unwrap();
    let (code, stdout, _) = run(bwlicense(&[
        "installation",
        "--ssh",
        "admin@vault.example.test",
        "--json",
    ])
    .env("PATH", empty_path.path()));
    assert_eq!(code, 2);
    let value = one_json_object(&stdout);
    assert_eq!(value["error"]["code"], "ssh_not_installed");
    assert!(value["error"]["advice"]
        .as_str()
        .unwrap()
        .contains("openssh-client"));
}

async fn only_eu_knows(UrlPath((region, id)): UrlPath<(String, String)>) -> Response {
    if region == "eu" && id == ID {
        Json(serde_json::json!({"object": "installation", "id": id, "key": null, "enabled": true}))
            .into_response()
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
}

/// A fake cloud on an ephemeral port (`/us/...`, `/eu/...`), served from a background thread.
fn fake_cloud() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let app = Router::new().route("/{region}/installations/{id}", get(only_eu_knows));
            axum::serve(listener, app).await.unwrap();
        });
    });
    base
}

#[test]
fn check_cloud_shows_which_region_knows_the_id() {
    let base = fake_cloud();
    let bwdata = data("standard/bwdata");
    let (code, stdout, _) = run(bwlicense(&[
        "installation",
        "--bwdata",
        bwdata.to_str().unwrap(),
        "--check-cloud",
        "--json",
    ])
    .env("BWLICENSE_CLOUD_API_US", format!("{base}/us"))
    .env("BWLICENSE_CLOUD_API_EU", format!("{base}/eu")));
    assert_eq!(code, 0);
    let value = one_json_object(&stdout);
    assert_eq!(value["cloud_check"]["known_in"], "EU");
    assert_eq!(
        value["cloud_check"]["regions"][0]["message"],
        "Invalid installation id for US region."
    );
    let codes: Vec<&str> = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        vec!["cloud_communication_off", "cloud_region_mismatch"]
    );

    let us = format!("--cloud-api-us={base}/us");
    let eu = format!("--cloud-api-eu={base}/eu");
    let (code, stdout, _) = run(&mut bwlicense(&[
        "installation",
        "--bwdata",
        bwdata.to_str().unwrap(),
        "--check-cloud",
        &us,
        &eu,
    ]));
    assert_eq!(code, 0);
    assert!(
        stdout.contains("US  Invalid installation id for US region."),
        "{stdout}"
    );
    assert!(stdout.contains("[cloud_region_mismatch]"), "{stdout}");
}

#[test]
fn enable_cloud_communication_writes_once_then_says_nothing_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let bwdata = dir.path().join("bwdata");
    fs::create_dir_all(bwdata.join("env")).unwrap();
    let env = bwdata.join("env/global.override.env");
    fs::copy(data("broken/eu_region_default_uris.env"), &env).unwrap();
    let text = fs::read_to_string(&env)
        .unwrap()
        .replace("globalSettings__enableCloudCommunication=true\n", "");
    fs::write(&env, &text).unwrap();

    let (code, stdout, _) = run(&mut bwlicense(&[
        "installation",
        "enable-cloud-communication",
        "--bwdata",
        bwdata.to_str().unwrap(),
    ]));
    assert_eq!(code, 0);
    assert!(
        stdout.contains("added    globalSettings__enableCloudCommunication=true"),
        "{stdout}"
    );
    assert!(
        stdout.contains("globalSettings__installation__apiUri=https://api.bitwarden.eu"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Backup: ") && stdout.contains("./bitwarden.sh restart"),
        "{stdout}"
    );
    let expected = text
        + "globalSettings__enableCloudCommunication=true\n\
           globalSettings__installation__apiUri=https://api.bitwarden.eu\n\
           globalSettings__installation__identityUri=https://identity.bitwarden.eu\n";
    assert_eq!(fs::read_to_string(&env).unwrap(), expected);

    let (code, stdout, _) = run(&mut bwlicense(&[
        "installation",
        "enable-cloud-communication",
        "--bwdata",
        bwdata.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(code, 0);
    let value = one_json_object(&stdout);
    assert_eq!(value["outcome"], "nothing_to_do");
    assert_eq!(fs::read_to_string(&env).unwrap(), expected);

    let (code, stdout, _) = run(&mut bwlicense(&[
        "installation",
        "--bwdata",
        bwdata.to_str().unwrap(),
    ]));
    assert_eq!(code, 0);
    assert!(stdout.contains("No findings."), "{stdout}");
}

#[test]
fn enable_cloud_communication_on_a_missing_file_exits_two() {
    let missing = data("broken/no-such-folder");
    let (code, stdout, _) = run(&mut bwlicense(&[
        "installation",
        "enable-cloud-communication",
        "--env-file",
        missing.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(code, 2);
    assert_eq!(
        one_json_object(&stdout)["error"]["code"],
        "installation_not_found"
    );
}

#[test]
fn a_root_only_env_file_gets_sudo_or_ssh_advice_not_a_stack_trace() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let env = dir.path().join("global.override.env");
    fs::copy(data("healthy.env"), &env).unwrap();
    fs::set_permissions(&env, fs::Permissions::from_mode(0o600)).unwrap();
    // Run as `nobody` (uid 65534), as an admin without sudo would; needs root to switch.
    let mut command = Command::new("setpriv");
    command
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_bwlicense"))
        .args(["installation", "--env-file", env.to_str().unwrap()]);
    let (code, stdout, stderr) = run(&mut command);
    assert_eq!(code, 2, "setpriv needs root (CI runs as root): {stderr}");
    assert!(stdout.is_empty());
    assert!(stderr.contains("permission denied"), "{stderr}");
    assert!(stderr.contains("as root (sudo)"), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "  Run the command with sudo on the server, or pass --ssh user@server:{}",
            env.display()
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}
