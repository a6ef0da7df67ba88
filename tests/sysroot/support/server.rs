//! A loopback HTTP/1.1 file server for the test repository.
//!
//! It serves a directory, counts requests, and can be told to cut chosen
//! files short (announcing the full Content-Length) to test truncated
//! downloads.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// How a misbehaving server answers for a file.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Hostile {
    /// No Content-Length, then zeros until the client hangs up.
    Endless,
    /// Like `Endless`, one byte every 200 ms (no read timeout ever trips).
    Trickle,
    /// A Content-Length of 2^60 before the real body.
    HugeLength,
}

#[derive(Default)]
struct State {
    truncate: Mutex<HashSet<String>>,
    hostile: Mutex<Vec<(String, Hostile)>>,
    requests: AtomicUsize,
    /// Every request line's path, in order.
    paths: Mutex<Vec<String>>,
}

/// A running server; it lives until the test process ends.
pub struct Server {
    pub port: u16,
    state: Arc<State>,
}

impl Server {
    /// Serves `root` on 127.0.0.1 at a free port.
    pub fn start(root: PathBuf) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        Self::start_on(listener, root)
    }

    /// Serves `root` on a listener the caller bound (tests/cacher needs a
    /// port below 32768).
    pub fn start_on(listener: TcpListener, root: PathBuf) -> Self {
        let port = listener.local_addr().expect("local addr").port();
        let state = Arc::new(State::default());
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let root = root.clone();
                let state = Arc::clone(&shared);
                std::thread::spawn(move || {
                    let _ = serve(stream, &root, &state);
                });
            }
        });
        Self { port, state }
    }

    /// The mirror base URL.
    pub fn mirror(&self) -> String {
        format!("http://127.0.0.1:{}/debian", self.port)
    }

    /// From now on, send only half of every file whose path ends with `suffix`.
    pub fn truncate(&self, suffix: &str) {
        self.state
            .truncate
            .lock()
            .expect("lock")
            .insert(suffix.to_owned());
    }

    /// From now on, answer every file whose path ends with `suffix` the
    /// hostile way.
    pub fn hostile(&self, suffix: &str, how: Hostile) {
        self.state
            .hostile
            .lock()
            .expect("lock")
            .push((suffix.to_owned(), how));
    }

    pub fn requests(&self) -> usize {
        self.state.requests.load(Ordering::SeqCst)
    }

    /// The paths requested so far (`debian/pool/…`), in order (used by
    /// tests/cacher, which shares this module).
    #[allow(dead_code)]
    pub fn paths(&self) -> Vec<String> {
        self.state
            .paths
            .lock()
            .map(|paths| paths.clone())
            .unwrap_or_default()
    }
}

fn serve(stream: TcpStream, root: &std::path::Path, state: &State) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" || header == "\n" {
            break;
        }
    }
    state.requests.fetch_add(1, Ordering::SeqCst);
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .trim_start_matches('/');
    // As a real mirror does: apt and apt-cacher-ng send `+` as `%2b`.
    let path = percent_decode(path);
    if let Ok(mut paths) = state.paths.lock() {
        paths.push(path.clone());
    }
    let mut stream = stream;
    let file = root.join(&path);
    let body = if path.contains("..") {
        None
    } else {
        std::fs::read(&file).ok()
    };
    let Some(body) = body else {
        let message = b"not found";
        write!(
            stream,
            "HTTP/1.1 404 Not Found\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            message.len()
        )?;
        return stream.write_all(message);
    };
    let hostile = state.hostile.lock().ok().and_then(|list| {
        list.iter()
            .find(|(suffix, _)| path.ends_with(suffix.as_str()))
            .map(|(_, how)| *how)
    });
    match hostile {
        Some(Hostile::HugeLength) => {
            write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                1u64 << 60
            )?;
            stream.write_all(&body)?;
            return stream.shutdown(std::net::Shutdown::Both);
        }
        Some(how) => {
            write!(stream, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")?;
            let zeros = vec![0u8; 64 << 10];
            // Ends when the client hangs up (the write fails).
            loop {
                if how == Hostile::Trickle {
                    stream.write_all(&zeros[..1])?;
                    stream.flush()?;
                    std::thread::sleep(std::time::Duration::from_millis(200));
                } else {
                    stream.write_all(&zeros)?;
                }
            }
        }
        None => {}
    }
    let cut = state
        .truncate
        .lock()
        .map(|set| set.iter().any(|suffix| path.ends_with(suffix.as_str())))
        .unwrap_or(false);
    write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    let sent = if cut {
        &body[..body.len() / 2]
    } else {
        &body[..]
    };
    stream.write_all(sent)?;
    stream.flush()?;
    // Closing early with a short body is the truncation.
    stream.shutdown(std::net::Shutdown::Both)
}

/// Decodes `%XX` escapes in a request path (invalid ones stay as they are).
fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
