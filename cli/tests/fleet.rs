//! `--all-instances` against the test server answering as several self-hosted servers (one
//! port each, over HTTPS with each instance's own CA file), next to a dead server (a
//! closed port) and a silent one (it accepts connections and never answers): every
//! server of the app's list gets its own block or JSON line, a dead or silent one only
//! marks its own, and the exit status is the worst of them.

mod client_support;

use std::path::Path;

use client_support::*;
use companion_tests::fake::{FakeBitwarden, Running};
use serde_json::{json, Value};

/// Self-hosted ports the test server answers on.
const LIVE: usize = 3;

async fn fleet_server() -> Running {
    FakeBitwarden::builder()
        .seed(fast_seed())
        .https(true)
        .self_hosted_count(LIVE)
        .start()
        .await
        .expect("the test server starts")
}

/// A loopback address nothing listens on.
fn closed_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("https://127.0.0.1:{port}")
}

/// The app's list: the live servers (named "Vault 0" …), then the extra ones given.
fn write_settings(machine: &Machine, server: &Running, extra: &[Value], bwdata: Option<&Path>) {
    let ca = server.ca_cert_path.as_ref().unwrap();
    let mut instances: Vec<Value> = server
        .self_hosted_urls
        .iter()
        .enumerate()
        .map(|(n, url)| {
            let mut instance =
                json!({ "id": format!("v{n}"), "name": format!("Vault {n}"), "url": url, "caFile": ca });
            if let Some(bwdata) = bwdata {
                instance["installation"] = json!({ "kind": "folder", "path": bwdata });
            }
            instance
        })
        .collect();
    instances.extend(extra.iter().cloned());
    std::fs::create_dir_all(machine.app_config()).unwrap();
    std::fs::write(
        machine.app_config().join("settings.json"),
        json!({ "instances": instances }).to_string(),
    )
    .unwrap();
}

/// The JSON lines of a run, by instance id.
fn lines(run: &Run) -> Vec<Value> {
    run.stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is one JSON object"))
        .collect()
}

fn line_of<'a>(lines: &'a [Value], id: &str) -> &'a Value {
    lines
        .iter()
        .find(|l| l["instance"]["id"] == id)
        .unwrap_or_else(|| panic!("no line for {id}: {lines:?}"))
}

fn owner() -> Machine {
    Machine::new().with_api_key(OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET)
}

#[tokio::test(flavor = "multi_thread")]
async fn orgs_of_every_instance_come_one_line_each_and_a_dead_or_silent_server_marks_only_its_own()
{
    let server = fleet_server().await;
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_url = format!("https://{}", silent.local_addr().unwrap());
    let dead_url = closed_port();
    let machine = owner();
    write_settings(
        &machine,
        &server,
        &[
            json!({ "id": "dead", "name": "Dead vault", "url": dead_url }),
            json!({ "id": "silent", "name": "Silent vault", "url": silent_url }),
        ],
        None,
    );

    let run = machine
        .run(
            &[
                "orgs",
                "--all-instances",
                "--instance-timeout",
                "2",
                "--json",
            ],
            "",
        )
        .await;
    assert_eq!(run.code, 3, "the worst is a network failure: {run:?}");
    let lines = lines(&run);
    assert_eq!(lines.len(), LIVE + 2, "{}", run.stdout);
    for (n, url) in server.self_hosted_urls.iter().enumerate() {
        let line = line_of(&lines, &format!("v{n}"));
        assert_eq!(line["exit"], 0, "{line}");
        assert_eq!(line["instance"]["url"], *url);
        assert_eq!(
            line["report"]["server"], *url,
            "each report is its server's"
        );
        assert_eq!(line["report"]["organizations"][0]["name"], "Acme Corp");
    }
    let dead = line_of(&lines, "dead");
    assert_eq!(dead["error"]["code"], "network_unreachable", "{dead}");
    assert_eq!(dead["exit"], 3);
    let silent_line = line_of(&lines, "silent");
    assert_eq!(
        silent_line["error"]["code"], "fleet_timeout",
        "{silent_line}"
    );
    // The silent server is the last in, after its own time limit; nobody waited for it.
    assert_eq!(lines.last().unwrap()["instance"]["id"], "silent");
    for line in &lines[..LIVE + 1] {
        assert!(line["elapsed_ms"].as_u64().unwrap() < 2000, "{line}");
    }

    let text = machine
        .run(&["orgs", "--all-instances", "--instance-timeout", "2"], "")
        .await;
    assert_eq!(text.code, 3);
    for n in 0..LIVE {
        assert!(text
            .stdout
            .contains(&format!("Vault {n}  https://127.0.0.1:")));
    }
    assert!(
        text.stdout.contains(&format!(
            "Dead vault  {dead_url}\n  error: Cannot reach {dead_url}"
        )),
        "{}",
        text.stdout
    );
    assert!(text
        .stdout
        .ends_with(&format!("{LIVE} of {} servers read.\n", LIVE + 2)));
    drop(silent);
}

#[tokio::test(flavor = "multi_thread")]
async fn audit_of_every_instance_predicts_each_server_and_reports_the_dead_one_as_unreachable() {
    let server = fleet_server().await;
    let dir = tempfile::tempdir().unwrap();
    let bwdata = bwdata_of(&server, dir.path());
    let machine = owner();
    let dead_url = closed_port();
    write_settings(
        &machine,
        &server,
        &[
            json!({ "id": "dead", "name": "Dead vault", "url": dead_url,
                    "installation": { "kind": "folder", "path": bwdata } }),
            json!({ "id": "bare", "name": "Bare vault", "url": server.self_hosted_url }),
        ],
        Some(&bwdata),
    );
    let cert = server.licensing_cert_pem_path.display().to_string();

    let run = machine
        .run(
            &["audit", "--all-instances", "--trust-cert", &cert, "--json"],
            "",
        )
        .await;
    assert_eq!(run.code, 3, "the worst is the dead server: {run:?}");
    let lines = lines(&run);
    assert_eq!(lines.len(), LIVE + 2, "{}", run.stdout);
    for n in 0..LIVE {
        let line = line_of(&lines, &format!("v{n}"));
        assert_eq!(line["exit"], 0, "{line}");
        let report = &line["report"];
        assert_eq!(report["installation_id"], json!(server.installation_id()));
        assert_eq!(report["server"], line["instance"]["url"], "plans compared");
        let acme = report["organizations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == ACME_SELF_HOSTED)
            .expect("Acme Corp is audited");
        assert_eq!(acme["prediction"]["outcome"], "stays_enabled", "{acme}");
    }
    let dead = line_of(&lines, "dead");
    assert_eq!(dead["error"]["code"], "network_unreachable", "{dead}");
    let bare = line_of(&lines, "bare");
    assert_eq!(
        bare["error"]["code"], "installation_place_missing",
        "{bare}"
    );
    assert_eq!(bare["exit"], 2);

    let text = machine
        .run(&["audit", "--all-instances", "--trust-cert", &cert], "")
        .await;
    assert_eq!(text.code, 3);
    assert!(
        text.stdout.contains("will stay enabled at the next run"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("Bare vault has no installation set"));
    assert!(text
        .stdout
        .ends_with(&format!("{LIVE} of {} servers read.\n", LIVE + 2)));
}

#[tokio::test]
async fn all_instances_without_a_server_in_the_app_says_where_to_add_one() {
    let machine = Machine::new();
    let run = machine
        .run(&["orgs", "--all-instances", "--json"], "")
        .await;
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.error_code(), "no_instances");
    assert_eq!(
        run.json()["error"]["hint"],
        "Or name one server with --server URL instead of --all-instances."
    );
    let text = machine.run(&["audit", "--all-instances"], "").await;
    assert_eq!(text.code, 2);
    assert!(
        text.stderr.contains(
            "Add your servers in the app's Instances view.\nOr name one server with --server URL"
        ),
        "{}",
        text.stderr
    );
}
