//! Asking both Bitwarden cloud regions at once which one knows an installation ID
//! (anonymous `GET {api}/installations/{id}`), through the one HTTP client, so the CA,
//! timeouts and user agent are the caller's. What the answers mean is
//! [`installation::CloudCheck`](crate::installation::CloudCheck).

use reqwest::Method;
use uuid::Uuid;

use super::http::{Http, Request};
use crate::installation::cloud_check::{answer, enabled, installation_url, problem};
use crate::installation::{CloudCheck, CloudEndpoints, Region, RegionAnswer, RegionCheck};

/// Asks both regions at once. Never fails: a region that cannot be asked is reported as
/// [`RegionAnswer::Problem`].
pub async fn check_cloud(
    http: &Http,
    installation_id: Uuid,
    endpoints: &CloudEndpoints,
) -> CloudCheck {
    let (us, eu) = tokio::join!(
        ask(http, Region::Us, &endpoints.us, installation_id),
        ask(http, Region::Eu, &endpoints.eu, installation_id)
    );
    CloudCheck::of(installation_id, us, eu)
}

async fn ask(http: &Http, region: Region, base: &str, id: Uuid) -> RegionCheck {
    let url = installation_url(base, id);
    let parsed = match reqwest::Url::parse(&url) {
        Ok(parsed) => parsed,
        Err(e) => return problem(region, &url, e.to_string()),
    };
    let reply = match http.send(&Request::new(Method::GET, parsed)).await {
        Ok(reply) => reply,
        Err(e) => return problem(region, &url, e.to_string()),
    };
    if reply.status == reqwest::StatusCode::NOT_FOUND {
        return answer(region, &url, RegionAnswer::Unknown);
    }
    if !reply.status.is_success() {
        return problem(region, &url, format!("HTTP {}", reply.status));
    }
    match reply.json() {
        Ok(body) => match enabled(&body) {
            Some(true) => answer(region, &url, RegionAnswer::Enabled),
            Some(false) => answer(region, &url, RegionAnswer::Disabled),
            None => problem(region, &url, "the answer has no \"enabled\" field".into()),
        },
        Err(e) => problem(region, &url, e.to_string()),
    }
}
