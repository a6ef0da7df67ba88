//! A minimal LSP client over the real `crossport lsp` binary's stdio.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const TIMEOUT: Duration = Duration::from_secs(60);

pub struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    next_id: i64,
    /// Notifications and server requests seen while waiting for responses.
    pub seen: Vec<Value>,
}

impl Client {
    pub fn spawn(cwd: &Path) -> Client {
        Client::spawn_with_env(cwd, &[])
    }

    pub fn spawn_with_env(cwd: &Path, env: &[(&str, &Path)]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_crossport"))
            .arg("lsp")
            .current_dir(cwd)
            .envs(env.iter().copied())
            .env("CROSSPORT_LOG", "info")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("crossport lsp starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_frame(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        Client {
            stdin: child.stdin.take(),
            child,
            incoming,
            next_id: 0,
            seen: Vec::new(),
        }
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).expect("server reads stdin");
        stdin.flush().expect("flush");
    }

    pub fn send(&mut self, message: &Value) {
        let body = serde_json::to_vec(message).expect("serializes");
        let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        frame.extend(body);
        self.send_raw(&frame);
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and waits for its response (the whole message).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.response(id)
    }

    pub fn response(&mut self, id: i64) -> Value {
        self.response_to(json!(id))
    }

    pub fn response_str(&mut self, id: &str) -> Value {
        self.response_to(json!(id))
    }

    fn response_to(&mut self, id: Value) -> Value {
        self.wait_for(|message| message.get("id") == Some(&id) && message.get("method").is_none())
    }

    /// Waits for a message the predicate accepts, answering server requests
    /// (progress creation, applyEdit) on the way; keeps everything in `seen`.
    pub fn wait_for(&mut self, mut accept: impl FnMut(&Value) -> bool) -> Value {
        if let Some(at) = self.seen.iter().position(&mut accept) {
            return self.seen.remove(at);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = match self.incoming.recv_timeout(left) {
                Ok(message) => message,
                Err(RecvTimeoutError::Timeout) => panic!("timed out; seen: {:#?}", self.seen),
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("server closed stdout; seen: {:#?}", self.seen)
                }
            };
            if accept(&message) {
                return message;
            }
            if let (Some(id), Some(_)) = (message.get("id"), message.get("method")) {
                let reply = json!({ "jsonrpc": "2.0", "id": id, "result": server_request_result(&message) });
                self.send(&reply);
            }
            self.seen.push(message);
        }
    }

    pub fn initialize(&mut self, root: &Path, options: Value) -> Value {
        let uri = format!("file://{}", root.display());
        let response = self.request(
            "initialize",
            json!({
                "processId": std::process::id(),
                "rootUri": uri,
                "capabilities": {
                    "window": { "workDoneProgress": true },
                    "workspace": { "workspaceEdit": { "documentChanges": true, "resourceOperations": ["create"] } }
                },
                "initializationOptions": options,
            }),
        );
        self.notify("initialized", json!({}));
        response
    }

    /// Sends shutdown and exit with stdin left open; returns the exit code.
    pub fn shutdown_and_exit(&mut self) -> Option<i32> {
        let response = self.request("shutdown", Value::Null);
        assert_eq!(response["result"], Value::Null, "{response}");
        self.notify("exit", Value::Null);
        self.wait_exit()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Waits for the process to end while stdin stays open.
    pub fn wait_exit(&mut self) -> Option<i32> {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("the server did not exit while stdin stayed open");
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

fn server_request_result(request: &Value) -> Value {
    match request["method"].as_str() {
        Some("workspace/applyEdit") => json!({ "applied": true }),
        _ => Value::Null,
    }
}

fn read_frame(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// Pretty JSON for snapshots.
pub fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).expect("serializes")
}

pub fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}
