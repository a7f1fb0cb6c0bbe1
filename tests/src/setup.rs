//! What window tests set up before a person's steps: a bwdata folder describing the test
//! server's installation, and sessions signed in with a personal API key and kept where
//! the app finds them (its folders and the OS keychain), as `bwlicense login` keeps them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use companion_core::bitwarden::{
    AppKind, CloudUrls, Credentials, Device, Endpoints, Folders, Http, HttpOptions, Login,
    LoginStep, Session, SessionStore,
};
use companion_core::installation::Region;
use companion_core::secrets::{OsKeychain, SecretString};

use crate::fake::Running;
use crate::window::AppWindow;

/// A bwdata folder in `dir` describing the test server's installation, with
/// `core/licenses` pointing at the server's own license folder.
pub fn bwdata_of(server: &Running, dir: &Path) -> PathBuf {
    let bwdata = dir.join("bwdata");
    std::fs::create_dir_all(bwdata.join("env")).unwrap();
    std::fs::create_dir_all(bwdata.join("core")).unwrap();
    std::fs::write(
        bwdata.join("env/global.override.env"),
        format!(
            "globalSettings__baseServiceUri__vault={}\nglobalSettings__installation__id={}\nglobalSettings__installation__key=fake-installation-key\nglobalSettings__enableCloudCommunication=true\n",
            server.self_hosted_url,
            server.installation_id()
        ),
    )
    .unwrap();
    std::os::unix::fs::symlink(server.state.license_dir(), bwdata.join("core/licenses")).unwrap();
    bwdata
}

/// The test server's US cloud roles.
pub fn cloud_endpoints(server: &Running) -> Endpoints {
    Endpoints::cloud(
        Region::Us,
        &CloudUrls {
            api: Some(server.cloud_api_url.clone()),
            identity: Some(server.cloud_identity_url.clone()),
        },
    )
    .unwrap()
}

/// Signs in with a personal API key.
pub async fn api_key_session(http: Http, endpoints: Endpoints, id: &str, secret: &str) -> Session {
    let credentials = Credentials::ApiKey {
        client_id: id.into(),
        client_secret: SecretString::from(secret),
    };
    match Login::new(http, endpoints, credentials)
        .start()
        .await
        .unwrap()
    {
        LoginStep::Done(session) => *session,
        other => panic!("sign-in: {other:?}"),
    }
}

/// The sessions the app keeps, as the app itself finds them.
pub fn sessions_of(app: &AppWindow) -> SessionStore {
    SessionStore::new(folders_of(app), Arc::new(OsKeychain::default()))
}

/// The app's folders, as the app itself finds them.
pub fn folders_of(app: &AppWindow) -> Folders {
    Folders {
        config: app.config_dir(),
        data: app.data_dir(),
    }
}

/// Signs in with a personal API key (trusting `ca` when given) and keeps the session where
/// the app finds it.
pub async fn keep_session(
    app: &AppWindow,
    endpoints: Endpoints,
    ca: Option<PathBuf>,
    (id, secret): (&str, &str),
) {
    let device = Device::load_or_create(&folders_of(app), AppKind::Desktop).unwrap();
    let options = HttpOptions {
        ca_cert: ca,
        ..HttpOptions::default()
    };
    let http = Http::new(options, device).unwrap();
    let mut session = api_key_session(http, endpoints, id, secret).await;
    sessions_of(app).save(&mut session).unwrap();
}
