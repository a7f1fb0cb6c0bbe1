//! Writing files so that a crash never leaves half of one: the new bytes go to a temporary
//! file beside the target and are flushed, and only then take the target's place by a
//! rename. Every writer in the core goes through here.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Who may read a file written here.
#[derive(Debug, Clone, Copy)]
pub enum Access<'a> {
    /// Only the user (0600, in a folder only the user can enter): sessions, archives.
    Private,
    /// What the user's umask gives: settings and records with nothing secret in them.
    Default,
    /// The mode and owner of the file it replaces (a server's env file edited as root).
    SameAs(&'a fs::Metadata),
}

/// New bytes written beside their target, waiting to take its place. Dropped without
/// [`Staged::commit`], the temporary file is removed and the target is untouched.
#[derive(Debug)]
pub struct Staged {
    temp: Option<PathBuf>,
    target: PathBuf,
}

/// Writes `bytes` to a temporary file beside `target`, flushed to disk, without touching
/// `target` yet. Only a private file's folder is created here: a missing folder elsewhere
/// is the caller's to create, or an error (a mistyped output path).
pub fn stage(target: &Path, bytes: &[u8], access: Access) -> io::Result<Staged> {
    let folder = folder_of(target);
    if let Access::Private = access {
        create_private_dir(folder)?;
    }
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| io::Error::other("it names a folder, not a file"))?;
    let temp = folder.join(format!(".{name}.{}.tmp", uuid::Uuid::new_v4().simple()));
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if let Access::Private = access {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&temp)?;
    let staged = Staged {
        temp: Some(temp),
        target: target.to_path_buf(),
    };
    if let Access::SameAs(meta) = access {
        keep_owner_and_mode(&file, meta)?;
    }
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(staged)
}

/// Replaces `target` with `bytes` in one step.
pub fn write_atomic(target: &Path, bytes: &[u8], access: Access) -> io::Result<()> {
    stage(target, bytes, access)?.commit()
}

impl Staged {
    /// The file the bytes are waiting to replace.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Puts the new bytes in place of the target, durably.
    pub fn commit(mut self) -> io::Result<()> {
        let temp = self.temp.take().expect("a staged file is committed once");
        if let Err(e) = fs::rename(&temp, &self.target) {
            let _ = fs::remove_file(&temp);
            return Err(e);
        }
        sync_dir(folder_of(&self.target));
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if let Some(temp) = self.temp.take() {
            let _ = fs::remove_file(temp);
        }
    }
}

/// Creates a folder (and its parents) only the user can enter.
pub fn create_private_dir(path: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path)
}

fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Gives `file` the mode (and on Unix the owner) of the file it replaces, so a secret
/// file stays mode 600 and owned by the installation's user.
pub(crate) fn keep_owner_and_mode(file: &fs::File, meta: &fs::Metadata) -> io::Result<()> {
    file.set_permissions(meta.permissions())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let mine = file.metadata()?;
        if (mine.uid(), mine.gid()) != (meta.uid(), meta.gid()) {
            std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid()))?;
        }
    }
    Ok(())
}

/// Makes the rename durable (Unix; elsewhere the rename is enough).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(handle) = fs::File::open(dir) {
        let _ = handle.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect()
    }

    #[test]
    fn a_write_replaces_the_whole_file_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        write_atomic(&path, b"{\"long\": \"first version\"}", Access::Default).unwrap();
        write_atomic(&path, b"{}", Access::Default).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"{}");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn a_staged_file_dropped_uncommitted_leaves_the_target_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("global.override.env");
        fs::write(&path, b"old").unwrap();
        let staged = stage(&path, b"new", Access::Default).unwrap();
        assert_eq!(staged.target(), path);
        drop(staged);
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn private_files_and_their_folder_are_the_users_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sessions").join("s.json");
        write_atomic(&path, b"{}", Access::Private).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
    }

    #[cfg(unix)]
    #[test]
    fn a_replacement_keeps_the_mode_of_the_file_it_replaces() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("global.override.env");
        fs::write(&path, b"old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        let meta = fs::metadata(&path).unwrap();
        write_atomic(&path, b"new", Access::SameAs(&meta)).unwrap();
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o640
        );
    }
}
