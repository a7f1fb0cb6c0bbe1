//! Keeping sessions between runs: the refresh token or API key secret in the keychain
//! (service `license-companion`, account named by kind, server and user), the facts that
//! are not secret in `sessions.json` in the config folder. One session per server.

use crate::messages::Phrase;
use std::fs;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::errors::{BitwardenError, FileAction};
use super::folders::{write_private_file, Folders};
use super::http::Http;
use super::session::{LoginKind, Renewal, Session, SessionFacts};
use super::urls::Endpoints;
use crate::secrets::SecretStore;

#[derive(Debug, Default, Serialize, Deserialize)]
struct SessionsFile {
    sessions: Vec<SessionFacts>,
}

/// Where sessions are kept.
#[derive(Clone)]
pub struct SessionStore {
    folders: Folders,
    keychain: Arc<dyn SecretStore>,
}

impl SessionStore {
    pub fn new(folders: Folders, keychain: Arc<dyn SecretStore>) -> SessionStore {
        SessionStore { folders, keychain }
    }

    /// Keeps a new session, replacing any earlier one for the same server. The secret
    /// goes to the keychain first, so a keychain failure leaves no half-kept session.
    pub fn save(&self, session: &mut Session) -> Result<(), BitwardenError> {
        let Some(renewal) = session.renewal() else {
            return Err(BitwardenError::UnexpectedAnswer {
                url: session.endpoints().identity.to_string(),
                detail: Phrase::new("answer_fault.no_refresh_token"),
            });
        };
        let facts = session.facts().clone();
        let mut file = self.read()?;
        for old in file.sessions.iter().filter(|s| s.server == facts.server) {
            if old.secret_account() != facts.secret_account() {
                self.keychain.delete(&old.secret_account())?;
            }
        }
        self.keychain
            .set(&facts.secret_account(), renewal.secret())?;
        file.sessions.retain(|s| s.server != facts.server);
        file.sessions.push(facts);
        self.write(&file)?;
        session.keep_in(self.keychain.clone());
        Ok(())
    }

    /// The kept session of a server, if any.
    pub fn facts(&self, server: &str) -> Result<Option<SessionFacts>, BitwardenError> {
        Ok(self
            .read()?
            .sessions
            .into_iter()
            .find(|s| s.server == server))
    }

    /// Every kept session.
    pub fn all(&self) -> Result<Vec<SessionFacts>, BitwardenError> {
        Ok(self.read()?.sessions)
    }

    /// Resumes the kept session of a server and gets a fresh access token.
    pub async fn resume(
        &self,
        http: &Http,
        endpoints: &Endpoints,
    ) -> Result<Session, BitwardenError> {
        let not_signed_in = || BitwardenError::NotSignedIn {
            server: endpoints.label(),
        };
        let facts = self.facts(&endpoints.server)?.ok_or_else(not_signed_in)?;
        // A keychain read blocks (a D-Bus round trip and a key exchange on Linux): off the
        // async threads, so the other servers of a dashboard are asked meanwhile.
        let keychain = self.keychain.clone();
        let account = facts.secret_account();
        let secret = tokio::task::spawn_blocking(move || keychain.get(&account))
            .await
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()))?
            .ok_or_else(not_signed_in)?;
        let renewal = match facts.login {
            LoginKind::Password => Renewal::RefreshToken(secret),
            LoginKind::ApiKey => Renewal::ApiKey {
                client_id: facts.user.clone(),
                client_secret: secret,
            },
        };
        let session = Session::resumed(
            http.clone(),
            endpoints.clone(),
            facts,
            renewal,
            self.keychain.clone(),
        );
        session.renew().await?;
        Ok(session)
    }

    /// Signs out of one server: its keychain entry and its facts. `Ok(false)` when there
    /// was no session.
    pub fn forget(&self, server: &str) -> Result<bool, BitwardenError> {
        let mut file = self.read()?;
        let Some(facts) = file.sessions.iter().find(|s| s.server == server).cloned() else {
            return Ok(false);
        };
        self.keychain.delete(&facts.secret_account())?;
        file.sessions.retain(|s| s.server != server);
        self.write(&file)?;
        Ok(true)
    }

    /// Signs out everywhere: every keychain entry, then the session file. Returns the
    /// servers signed out of.
    pub fn forget_all(&self) -> Result<Vec<String>, BitwardenError> {
        let file = self.read()?;
        for facts in &file.sessions {
            self.keychain.delete(&facts.secret_account())?;
        }
        let path = self.folders.sessions_file();
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(BitwardenError::file(FileAction::Remove, &path, e)),
        }
        Ok(file.sessions.into_iter().map(|s| s.server).collect())
    }

    fn read(&self) -> Result<SessionsFile, BitwardenError> {
        let path = self.folders.sessions_file();
        match fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| BitwardenError::File {
                action: FileAction::Read,
                path: path.display().to_string(),
                detail: format!("{e}; delete the file and sign in again"),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(SessionsFile::default()),
            Err(e) => Err(BitwardenError::file(FileAction::Read, &path, e)),
        }
    }

    fn write(&self, file: &SessionsFile) -> Result<(), BitwardenError> {
        let path = self.folders.sessions_file();
        if file.sessions.is_empty() {
            return match fs::remove_file(&path) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(BitwardenError::file(FileAction::Remove, &path, e)),
            };
        }
        let mut json = serde_json::to_vec_pretty(file).map_err(|e| BitwardenError::File {
            action: FileAction::Write,
            path: path.display().to_string(),
            detail: e.to_string(),
        })?;
        json.push(b'\n');
        write_private_file(&path, &json)
    }
}
