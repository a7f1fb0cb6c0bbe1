//! `bwlicense org create`: create a self-hosted organization from its license file, with
//! the key material the web vault would make. The license is checked first (an
//! organization license for this installation), the sign-up is sent once, the license is
//! archived, and the new organization's id and name are reported.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::Utc;
use clap::{Args, Subcommand};
use companion_core::bitwarden::{
    create_organization, prepare_organization, Archive, BitwardenError, CreatedOrganization,
    OrganizationDraft, OrganizationRequest, DEFAULT_COLLECTION,
};
use serde_json::json;

use crate::checks::CheckArgs;
use crate::net::{block_on, Net, NetArgs};
use crate::report::{day, fail, print_json, render_note, Style};

#[derive(Debug, Args)]
pub struct OrgArgs {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, Subcommand)]
enum Action {
    /// Create an organization on a self-hosted server from its license file.
    #[command(
        after_help = "You become the organization's owner. The license must be the organization's license for this server's installation; it is archived under the data folder (~/.local/share/license-companion/licenses).\n\nExit status: 0 created, 1 refused (by the checks or the server), 2 usage, 3 network or keychain failure (if the answer was lost, check `bwlicense orgs` before trying again)."
    )]
    Create(Box<CreateArgs>),
}

#[derive(Debug, Args)]
struct CreateArgs {
    /// The self-hosted server's vault URL.
    #[arg(long, value_name = "URL")]
    server: String,
    /// The organization license file, as downloaded.
    file: PathBuf,
    /// The name of the collection created with the organization ("" for none).
    #[arg(long, value_name = "NAME", default_value = DEFAULT_COLLECTION)]
    collection: String,
    #[command(flatten)]
    checks: CheckArgs,
    #[command(flatten)]
    net: NetArgs,
}

pub fn run(args: OrgArgs) -> ExitCode {
    match args.action {
        Action::Create(args) => create(*args),
    }
}

fn create(args: CreateArgs) -> ExitCode {
    let json = args.net.json;
    let style = Style::for_stdout();
    let result = block_on(async {
        let net = Net::new(&args.net)?;
        let request = request(&args)?;
        let endpoints = net.self_hosted(&args.server)?;
        let session = net.session(&endpoints).await?;
        let draft = prepare_organization(&session, request).await?;
        if !json {
            print!("{}", render_draft(&draft, &style));
        }
        let archive = Archive::new(net.folders.licenses());
        let created = create_organization(&session, &archive, &draft).await;
        Ok::<_, BitwardenError>((draft, created, endpoints.label()))
    })
    .and_then(|r| r);
    match result {
        Ok((draft, Ok(created), server)) => {
            if json {
                print_json(&json!({ "draft": draft, "organization": created }));
            } else {
                print!("{}", render_created(&created, &server, &style));
            }
            ExitCode::SUCCESS
        }
        Ok((draft, Err(e), _)) => fail(json, &e, Some(("draft", json!(draft)))),
        Err(e) => fail(json, &e, None),
    }
}

fn request(args: &CreateArgs) -> Result<OrganizationRequest, BitwardenError> {
    Ok(OrganizationRequest {
        path: args.file.clone(),
        collection: Some(args.collection.clone()),
        trust: args.checks.trust()?,
        installation: args.checks.installation()?,
        now: Utc::now(),
    })
}

fn render_draft(draft: &OrganizationDraft, s: &Style) -> String {
    let license = &draft.inspection.license;
    let mut out = format!(
        "{}\n",
        s.bold(&format!("Creating an organization from {}", draft.file))
    );
    let rows = [
        ("Name", license.name.clone()),
        ("Plan", license.plan.clone()),
        ("Seats", license.seats.map(|n| n.to_string())),
        ("Expires", draft.inspection.dates.expires.map(day)),
        (
            "Collection",
            Some(
                draft
                    .collection
                    .clone()
                    .unwrap_or_else(|| "none".to_owned()),
            ),
        ),
    ];
    for (what, value) in rows {
        out.push_str(&format!(
            "  {what:<11} {}\n",
            value.as_deref().unwrap_or("-")
        ));
    }
    for note in &draft.notes {
        out.push_str(&render_note(note, s));
    }
    out
}

fn render_created(created: &CreatedOrganization, server: &str, s: &Style) -> String {
    let mut out = format!(
        "{} Created organization \"{}\" ({}) on {server}; you are its owner.\n",
        s.good("Done."),
        created.name,
        created.id
    );
    if let Some(path) = &created.archived {
        out.push_str(&format!("  License kept in {}\n", path.display()));
    }
    for warning in &created.warnings {
        out.push_str(&format!(
            "{} {}\n  {}\n",
            s.warn("Warning:"),
            warning.message,
            warning.advice
        ));
    }
    out
}
