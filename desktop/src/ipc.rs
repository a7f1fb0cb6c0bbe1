//! The local channel between the tray process and the window process: a Unix socket in the
//! user's runtime folder (mode 0600, in a folder only the user can enter) or a named pipe
//! on Windows (local clients only), one per settings folder. Messages are one JSON object
//! per line. Nothing secret crosses it: the window reads the same settings, keychain and
//! files itself, and only tells the tray to look again.
//!
//! Whoever binds the address is the one tray process of that settings folder; a second
//! launch finds it taken, sends [`ToTray::Open`] and ends.

use std::io;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

use crate::tray_menu::TrayOrg;

/// The longest message taken; anything longer ends the connection.
const MAX_LINE: u64 = 64 * 1024;

/// What the tray is asked to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ToTray {
    /// A second launch (or a notification click): show the window, starting it if needed.
    Open,
    /// A window process is up; it keeps this connection open for [`ToWindow`] messages
    /// and the tray knows the window is gone when it closes.
    Window,
    /// The window changed settings, sessions or licenses: check again, quietly.
    Changed,
    /// The window has painted its first dashboard (the first check waits for it).
    PagePainted,
    /// The organizations with billing sync the window just read for one instance.
    Orgs {
        instance_id: String,
        orgs: Vec<TrayOrg>,
    },
}

/// What the window is asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ToWindow {
    /// Come to the front.
    Focus,
    /// Another window process already serves this settings folder: end.
    AlreadyOpen,
    /// The person quit the app from the tray: end.
    Quit,
}

/// Where the tray process of a settings folder listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address(PathBuf);

impl Address {
    /// The address of the tray process using `config` (the settings folder): one per user
    /// and settings folder, so a test or a demo with its own folder has its own tray.
    pub fn for_settings(config: &Path) -> Address {
        let digest = Sha256::digest(config.to_string_lossy().as_bytes());
        let tag: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        Address(transport::path(&format!("license-companion-{tag}")))
    }
}

/// One end of a connection.
pub struct Connection {
    reader: BufReader<Box<dyn AsyncRead + Send + Unpin>>,
    writer: Box<dyn AsyncWrite + Send + Unpin>,
}

/// The reading half of a connection.
pub struct Incoming(BufReader<Box<dyn AsyncRead + Send + Unpin>>);

/// The writing half of a connection.
pub struct Outgoing(Box<dyn AsyncWrite + Send + Unpin>);

impl Connection {
    fn new(stream: impl AsyncRead + AsyncWrite + Send + 'static) -> Connection {
        let (reader, writer) = tokio::io::split(stream);
        Connection {
            reader: BufReader::new(Box::new(reader)),
            writer: Box::new(writer),
        }
    }

    /// Sends one message.
    pub async fn send(&mut self, message: &impl Serialize) -> io::Result<()> {
        write_line(&mut self.writer, message).await
    }

    /// The next message; `None` when the other end closed the connection.
    pub async fn receive<M: DeserializeOwned>(&mut self) -> io::Result<Option<M>> {
        read_line(&mut self.reader).await
    }

    /// Splits the connection, to read and write from different tasks.
    pub fn split(self) -> (Incoming, Outgoing) {
        (Incoming(self.reader), Outgoing(self.writer))
    }
}

impl Incoming {
    /// The next message; `None` when the other end closed the connection.
    pub async fn receive<M: DeserializeOwned>(&mut self) -> io::Result<Option<M>> {
        read_line(&mut self.0).await
    }
}

impl Outgoing {
    /// Sends one message.
    pub async fn send(&mut self, message: &impl Serialize) -> io::Result<()> {
        write_line(&mut self.0, message).await
    }
}

async fn write_line(
    writer: &mut (dyn AsyncWrite + Send + Unpin),
    message: &impl Serialize,
) -> io::Result<()> {
    let mut line = serde_json::to_vec(message)?;
    line.push(b'\n');
    writer.write_all(&line).await?;
    writer.flush().await
}

async fn read_line<M: DeserializeOwned>(
    reader: &mut BufReader<Box<dyn AsyncRead + Send + Unpin>>,
) -> io::Result<Option<M>> {
    let mut line = Vec::new();
    let read = (&mut *reader)
        .take(MAX_LINE)
        .read_until(b'\n', &mut line)
        .await?;
    if read == 0 {
        return Ok(None);
    }
    if line.last() != Some(&b'\n') {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "a message without its end of line, or too long",
        ));
    }
    serde_json::from_slice(&line).map(Some).map_err(Into::into)
}

/// Connects to the tray process at `address`; fails when none listens.
pub async fn connect(address: &Address) -> io::Result<Connection> {
    transport::connect(&address.0).await.map(Connection::new)
}

/// The tray process's end: it takes connections from windows and second launches.
pub struct Listener(transport::Listener);

/// Binding an address.
pub enum Bound {
    /// This process is now the tray of the settings folder.
    Listening(Listener),
    /// Another tray process already listens there.
    Taken,
}

impl Listener {
    /// Listens at `address`, unless a live tray process already does.
    pub async fn bind(address: &Address) -> io::Result<Bound> {
        transport::bind(&address.0).await.map(|bound| match bound {
            Some(listener) => Bound::Listening(Listener(listener)),
            None => Bound::Taken,
        })
    }

    /// The next connection.
    pub async fn accept(&mut self) -> io::Result<Connection> {
        self.0.accept().await.map(Connection::new)
    }
}

#[cfg(unix)]
mod transport {
    use std::io;
    use std::os::unix::fs::PermissionsExt;
    use std::path::{Path, PathBuf};

    use tokio::net::{UnixListener, UnixStream};

    /// `name.sock` in the user's runtime folder (`XDG_RUNTIME_DIR`, private to the user),
    /// or in the user's own temporary folder where there is none (macOS gives each user a
    /// private one). Socket paths are short (about 100 bytes), so not the data folder.
    pub fn path(name: &str) -> PathBuf {
        dirs::runtime_dir()
            .unwrap_or_else(std::env::temp_dir)
            .join(format!("{name}.sock"))
    }

    pub async fn connect(path: &Path) -> io::Result<UnixStream> {
        UnixStream::connect(path).await
    }

    pub struct Listener {
        listener: UnixListener,
        path: PathBuf,
    }

    /// `None` when a live tray listens at `path`; a socket file left by a tray that died
    /// is replaced.
    pub async fn bind(path: &Path) -> io::Result<Option<Listener>> {
        let listener = match UnixListener::bind(path) {
            Ok(listener) => listener,
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => {
                if UnixStream::connect(path).await.is_ok() {
                    return Ok(None);
                }
                std::fs::remove_file(path)?;
                UnixListener::bind(path)?
            }
            Err(e) => return Err(e),
        };
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        Ok(Some(Listener {
            listener,
            path: path.to_owned(),
        }))
    }

    impl Listener {
        pub async fn accept(&mut self) -> io::Result<UnixStream> {
            self.listener.accept().await.map(|(stream, _)| stream)
        }
    }

    impl Drop for Listener {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(windows)]
mod transport {
    use std::io;
    use std::path::{Path, PathBuf};
    use std::time::Duration;

    use tokio::net::windows::named_pipe::{
        ClientOptions, NamedPipeClient, NamedPipeServer, ServerOptions,
    };

    /// ERROR_PIPE_BUSY: every instance of the pipe is taken for the moment.
    const PIPE_BUSY: i32 = 231;

    /// `\\.\pipe\name`: named pipes live in one namespace per machine; the name carries the
    /// settings folder's digest, which holds the user's profile path.
    pub fn path(name: &str) -> PathBuf {
        PathBuf::from(format!(r"\\.\pipe\{name}"))
    }

    pub async fn connect(path: &Path) -> io::Result<NamedPipeClient> {
        for _ in 0..50 {
            match ClientOptions::new().open(path) {
                Err(e) if e.raw_os_error() == Some(PIPE_BUSY) => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                other => return other,
            }
        }
        ClientOptions::new().open(path)
    }

    pub struct Listener {
        next: NamedPipeServer,
        path: PathBuf,
    }

    /// `None` when another process already made the pipe: it answers a connection, or
    /// (between two launches at the same moment) it made the pipe's first instance.
    pub async fn bind(path: &Path) -> io::Result<Option<Listener>> {
        if connect(path).await.is_ok() {
            return Ok(None);
        }
        match server(path, true) {
            Ok(next) => Ok(Some(Listener {
                next,
                path: path.to_owned(),
            })),
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn server(path: &Path, first: bool) -> io::Result<NamedPipeServer> {
        ServerOptions::new()
            .first_pipe_instance(first)
            .reject_remote_clients(true)
            .create(path)
    }

    impl Listener {
        pub async fn accept(&mut self) -> io::Result<NamedPipeServer> {
            self.next.connect().await?;
            let next = server(&self.path, false)?;
            Ok(std::mem::replace(&mut self.next, next))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn address(dir: &Path) -> Address {
        // Short, so it fits a socket path on every system.
        Address(dir.join("t.sock"))
    }

    #[tokio::test]
    async fn a_second_tray_finds_the_address_taken_and_the_window_talks_to_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let address = address(dir.path());
        let Bound::Listening(mut tray) = Listener::bind(&address).await.unwrap() else {
            panic!("the first tray could not listen");
        };
        assert!(matches!(
            Listener::bind(&address).await.unwrap(),
            Bound::Taken
        ));
        // The second tray only looked: its connection closes without a word.
        #[cfg(unix)]
        assert_eq!(
            tray.accept()
                .await
                .unwrap()
                .receive::<ToTray>()
                .await
                .unwrap(),
            None
        );

        let mut window = connect(&address).await.unwrap();
        let org = TrayOrg {
            instance_id: "office".into(),
            instance_name: "Office vault".into(),
            org: Uuid::from_u128(1),
            name: "Acme Corp".into(),
        };
        window.send(&ToTray::Window).await.unwrap();
        window
            .send(&ToTray::Orgs {
                instance_id: "office".into(),
                orgs: vec![org.clone()],
            })
            .await
            .unwrap();
        let (mut incoming, mut outgoing) = tray.accept().await.unwrap().split();
        assert_eq!(incoming.receive().await.unwrap(), Some(ToTray::Window));
        assert_eq!(
            incoming.receive::<ToTray>().await.unwrap(),
            Some(ToTray::Orgs {
                instance_id: "office".into(),
                orgs: vec![org]
            })
        );
        outgoing.send(&ToWindow::Focus).await.unwrap();
        assert_eq!(window.receive().await.unwrap(), Some(ToWindow::Focus));
        drop(window);
        assert_eq!(incoming.receive::<ToTray>().await.unwrap(), None);
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_socket_left_by_a_dead_tray_is_taken_over_and_only_its_user_may_connect() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let address = address(dir.path());
        // A tray that died: its socket file stays, with no one listening.
        drop(std::os::unix::net::UnixListener::bind(&address.0).unwrap());
        assert!(address.0.exists());
        let Bound::Listening(_tray) = Listener::bind(&address).await.unwrap() else {
            panic!("the stale socket was not taken over");
        };
        let mode = std::fs::metadata(&address.0).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[tokio::test]
    async fn an_unknown_or_endless_message_is_an_error_not_a_guess() {
        let dir = tempfile::tempdir().unwrap();
        let address = address(dir.path());
        let Bound::Listening(mut tray) = Listener::bind(&address).await.unwrap() else {
            panic!("no listener");
        };
        let mut window = connect(&address).await.unwrap();
        window
            .writer
            .write_all(b"{\"kind\":\"format\"}\n")
            .await
            .unwrap();
        let mut from_window = tray.accept().await.unwrap();
        let unknown = from_window.receive::<ToTray>().await;
        assert_eq!(unknown.unwrap_err().kind(), io::ErrorKind::InvalidData);
        let endless = vec![b'x'; MAX_LINE as usize + 1];
        window.writer.write_all(&endless).await.unwrap();
        let too_long = from_window.receive::<ToTray>().await;
        assert_eq!(too_long.unwrap_err().kind(), io::ErrorKind::InvalidData);
    }

    #[test]
    fn each_settings_folder_has_its_own_address() {
        let a = Address::for_settings(Path::new("/home/a/.config/license-companion"));
        let b = Address::for_settings(Path::new("/tmp/test/config/license-companion"));
        assert_ne!(a, b);
        assert_eq!(
            a,
            Address::for_settings(Path::new("/home/a/.config/license-companion"))
        );
    }
}
