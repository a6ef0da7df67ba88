//! A real OpenSSH server on loopback for one test: its own host key, an
//! authorized client key (with a PATH that puts a fake `dokku` first), a
//! second key that is not authorized, and a known_hosts file so the client
//! checks the host key strictly. Nothing under the user's ~/.ssh is touched.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Sshd {
    pub dir: tempfile::TempDir,
    pub port: u16,
    pub user: String,
    child: Child,
}

fn run(program: &str, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|err| panic!("cannot run {program}: {err}"));
    assert!(
        output.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

fn keygen(path: &Path) {
    let path = path.to_str().expect("utf-8 path");
    run(
        "ssh-keygen",
        &[
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            "crossport-test",
            "-f",
            path,
        ],
    );
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    listener.local_addr().expect("local addr").port()
}

impl Sshd {
    pub fn start() -> Sshd {
        Self::start_with("")
    }

    /// An sshd whose sessions are confined to `chroot` (sshd's own
    /// `ChrootDirectory`): the login lands in whatever world the test built
    /// there. Every component of the path must be root-owned and writable
    /// by root only, so `chroot` must not be under /tmp.
    pub fn start_chrooted(chroot: &Path) -> Sshd {
        Self::start_with(&format!("ChrootDirectory {}\n", chroot.display()))
    }

    fn start_with(extra_config: &str) -> Sshd {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        for key in ["host_key", "client_key", "other_key"] {
            keygen(&root.join(key));
        }
        let bin = root.join("bin");
        std::fs::create_dir(&bin).expect("bin dir");
        let client_pub = std::fs::read_to_string(root.join("client_key.pub")).expect("client pub");
        std::fs::write(
            root.join("authorized_keys"),
            format!(
                "environment=\"PATH={}:/usr/bin:/bin\" {client_pub}",
                bin.display()
            ),
        )
        .expect("authorized_keys");
        // sshd refuses to start without its privilege separation directory.
        std::fs::create_dir_all("/run/sshd").expect("create /run/sshd");
        let port = free_port();
        let config = format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {root}/host_key\nPidFile {root}/sshd.pid\n\
             AuthorizedKeysFile {root}/authorized_keys\nPermitRootLogin prohibit-password\n\
             PubkeyAuthentication yes\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n\
             StrictModes no\nPermitUserEnvironment yes\nUsePAM no\nLogLevel ERROR\n{extra_config}",
            root = root.display()
        );
        std::fs::write(root.join("sshd_config"), config).expect("sshd_config");
        let host_pub = std::fs::read_to_string(root.join("host_key.pub")).expect("host pub");
        let mut fields = host_pub.split_whitespace();
        let (kind, key) = (
            fields.next().expect("key type"),
            fields.next().expect("key"),
        );
        std::fs::write(
            root.join("known_hosts"),
            format!("[127.0.0.1]:{port} {kind} {key}\n"),
        )
        .expect("known_hosts");
        let child = Command::new("/usr/sbin/sshd")
            .args(["-D", "-e", "-f"])
            .arg(root.join("sshd_config"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(
                std::fs::File::create(root.join("sshd.log")).expect("sshd log"),
            ))
            .spawn()
            .expect("start /usr/sbin/sshd (openssh-server is installed)");
        let sshd = Sshd {
            user: run("id", &["-un"]),
            dir,
            port,
            child,
        };
        sshd.wait_until_listening();
        sshd
    }

    fn wait_until_listening(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "sshd did not start listening: {}",
                std::fs::read_to_string(self.path("sshd.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `user@127.0.0.1:port`.
    pub fn authority(&self) -> String {
        format!("{}@127.0.0.1:{}", self.user, self.port)
    }

    /// The ssh flags crossport takes: this key, no user config, strict
    /// host key checking against the generated known_hosts.
    pub fn ssh_flags(&self, key: &str) -> Vec<String> {
        let known_hosts = self.path("known_hosts");
        vec![
            "--ssh-config".into(),
            "/dev/null".into(),
            "-i".into(),
            self.path(key).display().to_string(),
            "-o".into(),
            format!("UserKnownHostsFile={}", known_hosts.display()),
            "-o".into(),
            "StrictHostKeyChecking=yes".into(),
            "-o".into(),
            "IdentitiesOnly=yes".into(),
            "-o".into(),
            "IdentityAgent=none".into(),
        ]
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
