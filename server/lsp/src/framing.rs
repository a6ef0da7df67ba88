//! A forgiving front for the message stream.
//!
//! async-lsp's main loop stops for good on the first malformed header or
//! undecodable body. An editor plugin with a bug, or a stray `echo` into the
//! pipe, must not kill the server, so every incoming frame passes through
//! here first: bad headers are skipped until the next `Content-Length`, and
//! a body that is not a JSON-RPC message becomes either an invalid-request
//! (when it carries an id, so the client gets an error reply) or an internal
//! notification that is logged.

use serde_json::{Value, json};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};

/// Notification the server receives in place of a message it could not read.
pub const INVALID_MESSAGE: &str = "$/crossport/invalidMessage";
/// Request the server receives in place of a malformed request with an id.
pub const INVALID_REQUEST: &str = "$/crossport/invalidRequest";

/// Bodies larger than this are refused (and skipped) rather than buffered.
const MAX_BODY: usize = 64 * 1024 * 1024;
/// Header lines longer than this are junk, not headers.
const MAX_HEADER_LINE: usize = 8 * 1024;

/// Forwards clean frames from `input` to the returned reader until `input`
/// ends; the returned reader then reports end of file.
pub fn sanitize(input: impl AsyncRead + Unpin + Send + 'static) -> tokio::io::DuplexStream {
    let (mut clean_in, clean_out) = tokio::io::duplex(1 << 16);
    tokio::spawn(async move {
        let mut reader = BufReader::new(input);
        while let Some(body) = next_frame(&mut reader).await {
            let message = repair(&body);
            let frame = serde_json::to_vec(&message).unwrap_or_default();
            let header = format!("Content-Length: {}\r\n\r\n", frame.len());
            let written = async {
                clean_in.write_all(header.as_bytes()).await?;
                clean_in.write_all(&frame).await
            };
            if written.await.is_err() {
                break;
            }
        }
    });
    clean_out
}

/// Reads the next frame body, skipping junk; `None` at end of input.
async fn next_frame(reader: &mut (impl AsyncBufRead + Unpin)) -> Option<Vec<u8>> {
    loop {
        let content_length = read_headers(reader).await?;
        let Some(length) = content_length else {
            tracing::warn!("skipped a message without a valid content-length header");
            continue;
        };
        if length > MAX_BODY {
            tracing::warn!(length, "skipping an oversized message");
            let skipped = tokio::io::copy(&mut reader.take(length as u64), &mut tokio::io::sink())
                .await
                .ok()?;
            if skipped < length as u64 {
                return None;
            }
            continue;
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).await.ok()?;
        return Some(body);
    }
}

/// Reads header lines up to the blank line; returns the content length if
/// one was valid. Junk before a `Content-Length:` on the same line (the
/// tail of a body whose length was understated) is dropped.
async fn read_headers(reader: &mut (impl AsyncBufRead + Unpin)) -> Option<Option<usize>> {
    let mut content_length = None;
    let mut saw_header = false;
    loop {
        let line = read_line(reader).await?;
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if saw_header {
                return Some(content_length);
            }
            continue;
        }
        let lowered = line.to_ascii_lowercase();
        if let Some(at) = lowered.find("content-length:") {
            saw_header = true;
            let value = line[at + "content-length:".len()..].trim();
            content_length = value.parse().ok();
            if content_length.is_none() {
                tracing::warn!(value, "invalid content-length header");
            }
        } else if line.contains(": ") && saw_header {
            // Content-Type and other headers carry nothing we need.
        } else {
            tracing::warn!(line = %truncate(line), "skipping junk before a message header");
        }
    }
}

/// One line including its `\n`, capped at [`MAX_HEADER_LINE`] bytes.
async fn read_line(reader: &mut (impl AsyncBufRead + Unpin)) -> Option<Vec<u8>> {
    let mut line = Vec::new();
    loop {
        let available = reader.fill_buf().await.ok()?;
        if available.is_empty() {
            return (!line.is_empty()).then_some(line);
        }
        let (taken, done) = match memchr(available) {
            Some(newline) => (newline + 1, true),
            None => (available.len(), false),
        };
        if line.len() < MAX_HEADER_LINE {
            line.extend_from_slice(&available[..taken.min(MAX_HEADER_LINE - line.len())]);
        }
        reader.consume(taken);
        if done {
            return Some(line);
        }
    }
}

fn memchr(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&byte| byte == b'\n')
}

fn truncate(line: &str) -> &str {
    let mut end = line.len().min(80);
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    &line[..end]
}

/// Turns a frame body into a message async-lsp can always decode.
fn repair(body: &[u8]) -> Value {
    let value = match serde_json::from_slice::<Value>(body) {
        Ok(value) => value,
        Err(error) => return invalid_message(&format!("the message is not JSON: {error}")),
    };
    match check(&value) {
        Ok(()) => value,
        Err(reason) => match request_id(&value) {
            Some(id) => json!({
                "jsonrpc": "2.0",
                "id": id,
                "method": INVALID_REQUEST,
                "params": { "reason": reason },
            }),
            None => invalid_message(&reason),
        },
    }
}

fn invalid_message(reason: &str) -> Value {
    json!({ "jsonrpc": "2.0", "method": INVALID_MESSAGE, "params": { "reason": reason } })
}

/// Checks the shape async-lsp expects of a request, notification or response.
fn check(value: &Value) -> Result<(), String> {
    let object = value
        .as_object()
        .ok_or("the message is not a JSON object")?;
    if object.get("jsonrpc") != Some(&json!("2.0")) {
        return Err("the message lacks `\"jsonrpc\": \"2.0\"`".into());
    }
    let has_id = request_id(value).is_some();
    match object.get("method") {
        Some(Value::String(_)) => {
            if object.contains_key("id") && !has_id {
                return Err("the request id is neither a number nor a string".into());
            }
            Ok(())
        }
        Some(_) => Err("the method is not a string".into()),
        None if has_id && is_response(object) => Ok(()),
        None => Err("the message is neither a request, a notification nor a response".into()),
    }
}

fn is_response(object: &serde_json::Map<String, Value>) -> bool {
    let error_ok = match object.get("error") {
        None => true,
        Some(error) => {
            error.get("code").is_some_and(Value::is_i64)
                && error.get("message").is_some_and(Value::is_string)
        }
    };
    error_ok && (object.contains_key("result") || object.contains_key("error"))
}

fn request_id(value: &Value) -> Option<Value> {
    match value.get("id")? {
        id @ Value::String(_) => Some(id.clone()),
        id @ Value::Number(number) if number.is_i64() => Some(id.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn frames(input: &[u8]) -> Vec<Value> {
        let mut reader = BufReader::new(input);
        let mut out = Vec::new();
        while let Some(body) = next_frame(&mut reader).await {
            out.push(repair(&body));
        }
        out
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[tokio::test]
    async fn junk_is_skipped_and_bad_bodies_become_internal_messages() {
        let input = [
            "garbage\r\n".to_owned(),
            "Content-Length: abc\r\n\r\n".to_owned(),
            frame("{oops"),
            frame("[]"),
            frame(r#"{"jsonrpc":"2.0","id":7,"method":false}"#),
            frame(r#"{"jsonrpc":"1.0","id":"x","method":"a"}"#),
            frame(r#"{"jsonrpc":"2.0","id":null,"result":1}"#),
            frame(r#"{"jsonrpc":"2.0","method":"initialized"}"#),
        ]
        .concat();
        let frames = frames(input.as_bytes()).await;
        let methods: Vec<_> = frames.iter().map(|f| f["method"].clone()).collect();
        assert_eq!(
            methods,
            vec![
                json!(INVALID_MESSAGE),
                json!(INVALID_MESSAGE),
                json!(INVALID_REQUEST),
                json!(INVALID_REQUEST),
                json!(INVALID_MESSAGE),
                json!("initialized")
            ]
        );
        assert_eq!(frames[2]["id"], json!(7));
        assert_eq!(frames[3]["id"], json!("x"));
    }

    #[tokio::test]
    async fn an_understated_length_resynchronises_on_the_next_header() {
        let input = b"Content-Length: 10\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"a\"}\
Content-Length: 30\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"b\"}";
        let frames = frames(&input[..]).await;
        assert_eq!(frames.len(), 2);
        assert_eq!(frames[0]["method"], json!(INVALID_MESSAGE));
        assert_eq!(frames[1]["method"], json!("b"));
    }
}
