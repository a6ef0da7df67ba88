//! Mirrors the server's log lines to the editor as `window/logMessage`.
//!
//! The CLI formats tracing events (it owns the subscriber); this module
//! gives it a writer that copies each line to stderr and, once a client is
//! connected, to the client's log. Editors show that log without the user
//! having to find the server's stderr.

use std::io::Write;
use std::sync::{Mutex, PoisonError};

use async_lsp::ClientSocket;
use async_lsp::lsp_types::{LogMessageParams, MessageType, notification::LogMessage};

static CLIENT: Mutex<Option<ClientSocket>> = Mutex::new(None);

/// Connects (or with `None` disconnects) the client that receives log lines.
pub fn connect(client: Option<ClientSocket>) {
    *CLIENT.lock().unwrap_or_else(PoisonError::into_inner) = client;
}

/// A `std::io::Write` for a tracing formatter: stderr plus the client's log.
#[derive(Debug, Default)]
pub struct ClientLogWriter {
    line: Vec<u8>,
}

impl ClientLogWriter {
    pub fn new() -> Self {
        ClientLogWriter::default()
    }
}

impl Write for ClientLogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        std::io::stderr().write_all(buf)?;
        self.line.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

impl Drop for ClientLogWriter {
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.line);
        let text = text.trim_end();
        if text.is_empty() {
            return;
        }
        let guard = CLIENT.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(client) = guard.as_ref() {
            let params = LogMessageParams {
                typ: message_type(text),
                message: text.to_owned(),
            };
            // A closed client only means the session is over.
            let _ = client.notify::<LogMessage>(params);
        }
    }
}

/// The message type from the level tracing's formatter printed.
fn message_type(line: &str) -> MessageType {
    let head: String = line.chars().take(48).collect();
    if head.contains("ERROR") {
        MessageType::ERROR
    } else if head.contains("WARN") {
        MessageType::WARNING
    } else if head.contains("INFO") {
        MessageType::INFO
    } else {
        MessageType::LOG
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_map_to_message_types() {
        assert_eq!(
            message_type("2026-01-01T00:00:00Z  WARN crossport: x"),
            MessageType::WARNING
        );
        assert_eq!(message_type(" ERROR x"), MessageType::ERROR);
        assert_eq!(message_type("DEBUG x"), MessageType::LOG);
    }
}
