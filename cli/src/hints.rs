//! The command line's own line after the core's advice: the `bwlicense` command or option
//! that does what the advice says. The core words its advice for any front end, so this
//! is the one place that names commands and flags for it.

use companion_core::audit::AuditError;
use companion_core::bitwarden::{known_refusals, BitwardenError, KnownRefusal, PlanNote};
use companion_core::error::Explain;
use companion_core::installation::{Finding, FindingCode, InstallationError, Region};

const LOGIN: &str = "Run: bwlicense login --server URL (or --cloud us|eu for Bitwarden cloud)";
const INSPECT: &str = "Run: bwlicense inspect FILE to see every check.";
const TOKEN_SET: &str = "Run: bwlicense token set --server URL --org ID";
const ENABLE_CLOUD: &str =
    "Run: bwlicense installation enable-cloud-communication (it keeps a backup)";
const CHECK_CLOUD: &str =
    "Run: bwlicense installation --check-cloud to see which region knows the ID.";
const DEV_CERT: &str = "Pass --allow-dev-cert to check it as a non-production server would.";
const SSH_PORT: &str = "Pass another port with --ssh-option Port=N.";

/// Hints that depend on the code alone.
const BY_CODE: &[(&str, &str)] = &[
    ("timeout", "Give it longer with --timeout SECONDS."),
    ("tls_untrusted", "Pass the CA's PEM file with --ca-cert FILE."),
    ("insecure_http", "To allow it anyway, pass --allow-insecure-http."),
    ("unauthorized", LOGIN),
    ("session_expired", LOGIN),
    ("not_signed_in", "Run: bwlicense login --server URL (or --cloud us|eu for Bitwarden cloud), or set BW_CLIENTID and BW_CLIENTSECRET to your personal API key."),
    ("two_factor_unsupported", "Run: bwlicense login --server URL without --password: the API key is its default."),
    ("license_refused", "Run: bwlicense inspect FILE to see every check; add --force to send it anyway."),
    ("license_unsuitable", INSPECT),
    ("invalid_password", "Pass --otp to get an e-mailed code instead."),
    ("invalid_otp", "Run the command again and type the newest code, or leave out --otp to use the master password."),
    ("billing_token_missing", "Pipe it on stdin, or name the environment variable that holds it with --token-env NAME."),
    ("billing_sync_not_offered", "Run: bwlicense download, then bwlicense upload"),
    ("keychain_unavailable", "Or pass --no-keychain where the command offers it."),
    ("license_folder_missing", "For Bitwarden Lite, pass that folder with --licenses DIR."),
    ("no_installation_found", "Pass --bwdata /path/to/bwdata, --env-file /path/to/global.override.env, or --ssh user@server:/opt/bitwarden/bwdata."),
    ("ssh_target_invalid", "Pass another port with --ssh-option Port=2222."),
    ("ssh_auth_failed", "Pass --ssh-option IdentityFile=/path/to/key to name the key."),
    ("ssh_timeout", SSH_PORT),
    ("ssh_connect_failed", SSH_PORT),
    ("signature_untrusted", DEV_CERT),
    ("token_untrusted", DEV_CERT),
    ("cloud_communication_off", ENABLE_CLOUD),
    ("cloud_communication_invalid", ENABLE_CLOUD),
    ("no_instances", "Or name one server with --server URL instead of --all-instances."),
];

/// The hint for a problem known only by its code.
pub fn for_code(code: &str) -> Option<String> {
    BY_CODE
        .iter()
        .find(|(known, _)| *known == code)
        .map(|(_, hint)| (*hint).to_owned())
}

/// The hint for a network command's error: from its fields where they matter.
pub fn for_error(err: &BitwardenError) -> Option<String> {
    match err {
        BitwardenError::ConfirmationRequired { organization, .. } => Some(format!(
            "To send it, run again with --confirm-organization \"{organization}\"."
        )),
        BitwardenError::OutcomeUnknown { server, .. } => {
            Some(format!("Run: bwlicense orgs --server {server}"))
        }
        BitwardenError::ServerRefused { message, .. }
        | BitwardenError::NotFound { message, .. } => for_server_text(message),
        BitwardenError::Installation(e) => for_installation(e),
        _ => for_code(err.code()),
    }
}

/// The hint for an installation that could not be read.
pub fn for_installation(err: &InstallationError) -> Option<String> {
    match err {
        InstallationError::PermissionDenied { path } => Some(format!(
            "Run the command with sudo on the server, or pass --ssh user@server:{path}"
        )),
        InstallationError::RemotePermissionDenied { host, path } => {
            let host = host.rsplit('@').next().unwrap_or(host);
            Some(format!(
                "Pass --ssh bitwarden@{host}:{path}, or on the server run: sudo bwlicense installation --env-file {path}"
            ))
        }
        _ => for_code(err.code()),
    }
}

/// The hint for an audit that could not run.
pub fn for_audit(err: &AuditError) -> Option<String> {
    match err {
        AuditError::Installation(e) => for_installation(e),
        AuditError::Server(e) => for_error(e),
        _ => for_code(err.code()),
    }
}

/// The hint for a finding of an installation in `region`.
pub fn for_finding(finding: &Finding, region: Region) -> Option<String> {
    match (finding.code, region) {
        (FindingCode::RegionUriMismatch, Region::Eu) => Some(ENABLE_CLOUD.to_owned()),
        (FindingCode::RegionUriMismatch, Region::Us) => Some(CHECK_CLOUD.to_owned()),
        (code, _) => for_code(code.as_str()),
    }
}

/// The hint for a note on an upload plan or an organization draft.
pub fn for_note(note: &PlanNote) -> Option<&'static str> {
    match note {
        PlanNote::InstallationUnchecked => {
            Some("Pass --bwdata DIR or --installation-id ID to check it.")
        }
        PlanNote::ServerCopyUnreadable { .. } => Some("Run with sudo to keep a copy of it."),
        _ => None,
    }
}

/// One line per known refusal in the server's text that a command acts on.
fn for_server_text(text: &str) -> Option<String> {
    let lines: Vec<&str> = known_refusals(text)
        .into_iter()
        .filter_map(for_refusal)
        .fold(Vec::new(), |mut all, line| {
            if !all.contains(&line) {
                all.push(line);
            }
            all
        });
    (!lines.is_empty()).then(|| lines.join("\n"))
}

fn for_refusal(refusal: KnownRefusal) -> Option<&'static str> {
    use KnownRefusal::*;
    Some(match refusal {
        BillingSyncConnectionMissing
        | BillingSyncConnectionDisabled
        | BillingSyncConnectionExists => TOKEN_SET,
        CloudCommunicationDisabled => ENABLE_CLOUD,
        BillingTokenRejected => "Run: bwlicense token status --server URL --org ID",
        InstallationIdMismatch => "Run: bwlicense installation to see the installation ID.",
        InstallationIdUnknown => CHECK_CLOUD,
        PremiumLicenseForOrganization => "Upload it with --premium instead of --org.",
        OrganizationLicenseForUser => "Upload it with --org ID instead of --premium.",
        LicenseUsedByAnotherOrganization => {
            "Run: bwlicense orgs --server URL to list the organizations."
        }
        SelfHostedOnly => "Use --server URL.",
        CloudOnly => "Use --cloud us|eu.",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_one_hint() {
        for (at, (code, _)) in BY_CODE.iter().enumerate() {
            assert!(
                BY_CODE[at + 1..].iter().all(|(other, _)| other != code),
                "{code} twice"
            );
        }
    }

    #[test]
    fn a_refusal_the_token_fixes_gets_the_token_command_once() {
        let text =
            "Unable to get Cloud Billing Sync connection\nConnection disabled for organization";
        assert_eq!(for_server_text(text).as_deref(), Some(TOKEN_SET));
    }

    #[test]
    fn a_refusal_no_command_fixes_gets_no_hint() {
        assert_eq!(for_server_text("The license has expired."), None);
        assert_eq!(for_server_text("Something new happened."), None);
    }

    #[test]
    fn the_remote_permission_hint_names_the_owner_at_the_same_host() {
        let hint = for_installation(&InstallationError::RemotePermissionDenied {
            host: "admin@vault.example".into(),
            path: "/opt/bitwarden/bwdata/env/global.override.env".into(),
        })
        .unwrap();
        assert!(
            hint.starts_with(
                "Pass --ssh bitwarden@vault.example:/opt/bitwarden/bwdata/env/global.override.env,"
            ),
            "{hint}"
        );
    }
}
