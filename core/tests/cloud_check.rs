//! The anonymous installation check against a local stand-in for Bitwarden cloud's two
//! regions (`GET {api}/installations/{id}`): which region knows the ID, whether it is
//! enabled, and Setup's texts for each answer.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use companion_core::bitwarden::{check_cloud, AppKind, Device, Http, HttpOptions};
use companion_core::installation::{CloudEndpoints, Region, RegionAnswer};
use uuid::Uuid;

const KNOWN: &str = "11111111-2222-4333-8444-555555555555";

/// What one fake region answers for [`KNOWN`] (everything else is 404).
#[derive(Clone, Copy)]
enum Knows {
    Enabled,
    Disabled,
    Nothing,
    Breaks,
}

async fn installation(State(knows): State<Knows>, Path(id): Path<String>) -> Response {
    let body = |enabled: bool| {
        Json(serde_json::json!({"object": "installation", "id": id, "key": null, "enabled": enabled})).into_response()
    };
    match knows {
        Knows::Breaks => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        _ if id != KNOWN => StatusCode::NOT_FOUND.into_response(),
        Knows::Enabled => body(true),
        Knows::Disabled => body(false),
        Knows::Nothing => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Serves both regions on one ephemeral port, under `/us` and `/eu`.
async fn fake_cloud(us: Knows, eu: Knows) -> CloudEndpoints {
    let app = Router::new()
        .nest(
            "/us",
            Router::new()
                .route("/installations/{id}", get(installation))
                .with_state(us),
        )
        .nest(
            "/eu",
            Router::new()
                .route("/installations/{id}", get(installation))
                .with_state(eu),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    CloudEndpoints {
        us: format!("{base}/us"),
        eu: format!("{base}/eu/"),
    }
}

/// The one HTTP client, as the CLI and the app build it.
fn http() -> Http {
    Http::new(
        HttpOptions::default(),
        Device::with_identifier(AppKind::Cli, Uuid::new_v4()),
    )
    .unwrap()
}

fn id() -> Uuid {
    Uuid::parse_str(KNOWN).unwrap()
}

fn codes(findings: &[companion_core::installation::Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.code.as_str()).collect()
}

#[tokio::test]
async fn an_eu_installation_configured_as_us_is_caught() {
    let endpoints = fake_cloud(Knows::Nothing, Knows::Enabled).await;
    let check = check_cloud(&http(), id(), &endpoints).await;
    assert_eq!(check.known_in, Some(Region::Eu));
    assert_eq!(check.regions[0].answer, RegionAnswer::Unknown);
    assert_eq!(
        check.regions[0].message,
        "Invalid installation id for US region."
    );
    assert_eq!(check.regions[1].answer, RegionAnswer::Enabled);
    let findings = check.findings(Region::Us);
    assert_eq!(codes(&findings), vec!["cloud_region_mismatch"]);
    assert!(
        findings[0].advice.contains("cloudRegion=EU"),
        "{}",
        findings[0].advice
    );
    assert!(check.findings(Region::Eu).is_empty());
}

#[tokio::test]
async fn a_disabled_installation_uses_setups_text() {
    let endpoints = fake_cloud(Knows::Disabled, Knows::Nothing).await;
    let check = check_cloud(&http(), id(), &endpoints).await;
    assert_eq!(check.known_in, Some(Region::Us));
    assert_eq!(
        check.regions[0].message,
        "Installation id has been disabled in the US region."
    );
    assert_eq!(
        check.regions[1].message,
        "Invalid installation id for EU region."
    );
    assert_eq!(
        codes(&check.findings(Region::Us)),
        vec!["installation_disabled"]
    );
}

#[tokio::test]
async fn an_id_no_region_knows_is_reported() {
    let endpoints = fake_cloud(Knows::Nothing, Knows::Nothing).await;
    let check = check_cloud(&http(), id(), &endpoints).await;
    assert_eq!(check.known_in, None);
    assert_eq!(
        codes(&check.findings(Region::Us)),
        vec!["installation_id_unknown"]
    );
}

#[tokio::test]
async fn unreachable_or_broken_regions_say_problem_contacting() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let broken = fake_cloud(Knows::Breaks, Knows::Breaks).await;
    let endpoints = CloudEndpoints {
        us: closed,
        eu: broken.eu,
    };
    let check = check_cloud(&http(), id(), &endpoints).await;
    assert_eq!(check.regions[0].answer, RegionAnswer::Problem);
    assert_eq!(
        check.regions[0].message,
        "Problem contacting Bitwarden US server"
    );
    assert_eq!(
        check.regions[1].message,
        "Problem contacting Bitwarden EU server"
    );
    assert!(check.regions[1]
        .detail
        .as_deref()
        .unwrap_or("")
        .contains("500"));
    assert_eq!(
        codes(&check.findings(Region::Us)),
        vec!["cloud_unreachable"]
    );
}
