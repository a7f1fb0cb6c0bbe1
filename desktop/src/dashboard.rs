//! The dashboard: asks every configured server through the core's fleet runner (each
//! within its own time limit, so one dead or slow server only marks its own
//! row), reads each installation's settings off the async threads (SSH blocks), and hands
//! each server's facts, as they come in, to `companion_core::app::dashboard`, which
//! computes rows and problems.

use chrono::Utc;
use companion_core::app::dashboard::{
    Dashboard, Gathering, InstallationFacts, InstanceFacts, PremiumFacts, Progress, ServerFacts,
};
use companion_core::app::{InstallationPlace, Instance};
use companion_core::audit::{read_server_files, server_view, AuditInput, AuditReport, AuditSource};
use companion_core::bitwarden::{
    license_in_force, owned_organizations, Archive, LicenseOwner, Session,
};
use companion_core::error::{Explain, Problem};
use companion_core::fleet::{self, FleetOptions};
use companion_core::installation;
use companion_core::license::{inspect, InspectOptions, Inspection, TrustSet};
use futures_util::future::join;
use futures_util::StreamExt;
use uuid::Uuid;

use crate::error::CommandError;
use crate::state::{AppState, ConnectionCheck};
use crate::words::in_window;

/// The dashboard as of now; never fails as a whole (the tray's check reuses it for its
/// icon and alerts: `Dashboard { rows, worst, checked_at }`). `on_instance` gets each server's rows
/// as they come in.
/// An unreachable server keeps its rows of the last successful check (in memory), and the
/// instance's card says the server is not reachable.
pub async fn collect(state: &AppState, mut on_instance: impl FnMut(Progress)) -> Dashboard {
    let instances = state.settings().instances;
    let mut gathering = Gathering::new(instances.len(), Utc::now());
    let answers = fleet::run(instances, FleetOptions::default(), |instance| {
        instance_facts(state, instance)
    });
    let mut answers = std::pin::pin!(answers);
    while let Some(done) = answers.next().await {
        let facts = done.outcome.unwrap_or_else(|timeout| InstanceFacts {
            instance: done.item,
            server: Err(timeout.problem()),
            installation: None,
            audit: None,
        });
        let now = Utc::now();
        note_connection(state, &facts, now);
        let progress = {
            let mut memory = state.last_known.lock().expect("last known lock");
            gathering.add(&facts, now, &mut memory)
        };
        on_instance(progress);
    }
    let mut memory = state.last_known.lock().expect("last known lock");
    gathering.finish(&mut memory)
}

/// A server that could not be reached is recorded as such for the instances screen; one
/// that answered clears an earlier failure.
fn note_connection(state: &AppState, facts: &InstanceFacts, now: chrono::DateTime<Utc>) {
    let id = &facts.instance.id;
    match &facts.server {
        Err(problem) if UNREACHABLE.contains(&problem.code.as_str()) => state.record_connection(
            id,
            ConnectionCheck {
                reachable: false,
                version: None,
                problem: Some(problem.clone()),
                checked_at: now,
            },
        ),
        Ok(_) => {
            let mut connections = state.connections.lock().expect("connections lock");
            if connections.get(id).is_some_and(|c| !c.reachable) {
                connections.remove(id);
            }
        }
        Err(_) => {}
    }
}

/// Failures that mean the server itself did not answer properly.
const UNREACHABLE: &[&str] = &[
    "network_unreachable",
    "timeout",
    "fleet_timeout",
    "tls_untrusted",
    "server_error",
    "unexpected_answer",
];

async fn instance_facts(state: &AppState, instance: Instance) -> InstanceFacts {
    let place = instance.installation.clone();
    let reading = async move {
        match place {
            None => None,
            Some(place) => Some(read_installation(place).await),
        }
    };
    let session = state.instance_session(&instance.id).await;
    let asking = async {
        match &session {
            Ok(session) => server_facts(state, &instance, session).await,
            Err(e) => Err(e.clone()),
        }
    };
    let auditing = async {
        match (&instance.installation, &session) {
            (Some(_), Ok(session)) => Some(audit(state, &instance, session).await),
            _ => None,
        }
    };
    let ((server, installation), audit) = join(join(asking, reading), auditing).await;
    let mut server = server.map_err(|e| e.problem().clone());
    if let Ok(server) = &mut server {
        licenses_on_disk(state, &instance, server);
    }
    InstanceFacts {
        instance,
        server,
        installation: installation.map(|r| {
            r.map(|(id, findings)| InstallationFacts {
                installation_id: id,
                findings,
            })
        }),
        audit,
    }
}

/// What the server's license jobs will do at their next run: its license files (read off
/// the async threads, SSH blocks) judged against its answers (`companion_core::audit`).
async fn audit(
    state: &AppState,
    instance: &Instance,
    session: &Session,
) -> Result<AuditReport, Problem> {
    let source = AuditSource::of_instance(instance).map_err(|e| e.problem())?;
    let files = tokio::task::spawn_blocking(move || read_server_files(&source))
        .await
        .map_err(|_| CommandError::interrupted().problem().clone())?
        .map_err(|e| e.problem())?;
    let view = server_view(session).await.map_err(|e| e.problem())?;
    let trust = state.trust().map_err(|e| e.problem().clone())?;
    Ok(companion_core::audit::audit(&AuditInput {
        store: &files.store,
        installation_id: files.installation_id,
        view: Some(&view),
        trust: &trust,
        now: Utc::now(),
    }))
}

/// Reads the installation's settings on a blocking thread (SSH runs a child process).
pub async fn read_installation(
    place: InstallationPlace,
) -> Result<(Option<Uuid>, Vec<(installation::FindingCode, Problem)>), Problem> {
    let read = tokio::task::spawn_blocking(move || {
        place
            .source()
            .and_then(|source| installation::read(&source))
    })
    .await;
    match read {
        Ok(Ok(found)) => Ok((
            found.installation_id,
            found
                .findings
                .iter()
                .map(|f| (f.code, in_window(f.problem(), Some(found.region))))
                .collect(),
        )),
        Ok(Err(e)) => Err(e.problem()),
        Err(_) => Err(CommandError::interrupted().problem().clone()),
    }
}

/// The signed-in account's organizations and premium on one server.
async fn server_facts(
    state: &AppState,
    instance: &Instance,
    session: &Session,
) -> Result<ServerFacts, CommandError> {
    let report = owned_organizations(session).await?;
    // The server reports no premium dates; they come from the license file when known.
    let premium = report.premium.then(|| PremiumFacts {
        expires: state.trust().ok().and_then(|trust| {
            inspect_in_force(
                state,
                instance,
                LicenseOwner::Premium(report.account_id),
                trust,
            )?
            .dates
            .expires
        }),
    });
    Ok(ServerFacts {
        email: report.email,
        cloud_communication: report.cloud_communication,
        organizations: report.organizations,
        premium: premium.filter(|_| report.takes_licenses),
        license_installations: Vec::new(),
        takes_licenses: report.takes_licenses,
    })
}

/// The installation ID each organization's license file is for, where the file is known:
/// the server's own license folder (contract §5.3) for a local installation, else the
/// copy this app last applied.
fn licenses_on_disk(state: &AppState, instance: &Instance, server: &mut ServerFacts) {
    let Ok(trust) = state.trust() else {
        return;
    };
    server.license_installations = server
        .organizations
        .iter()
        .filter_map(|org| {
            let found = inspect_in_force(
                state,
                instance,
                LicenseOwner::Organization(org.id),
                trust.clone(),
            )?;
            Some((org.id, found.license.installation_id?))
        })
        .collect();
}

/// The license in force for `owner` (`license_in_force`), inspected.
fn inspect_in_force(
    state: &AppState,
    instance: &Instance,
    owner: LicenseOwner,
    trust: TrustSet,
) -> Option<Inspection> {
    let server = companion_core::bitwarden::Endpoints::self_hosted(&instance.url)
        .ok()?
        .server;
    let bwdata = instance
        .installation
        .as_ref()
        .and_then(InstallationPlace::bwdata);
    let archive = Archive::new(state.folders.licenses());
    let copy = license_in_force(&archive, &server, owner, bwdata.as_deref(), &mut Vec::new())?;
    inspect(copy.bytes(), &InspectOptions::new(Utc::now(), trust)).ok()
}
