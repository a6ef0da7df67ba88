//! Junk, out-of-order and unknown messages get an error or nothing, and the
//! server keeps answering afterwards.

use expect_test::expect;
use serde_json::{Value, json};

use crate::support::{Client, file_uri, pretty};

#[test]
fn requests_before_initialize_get_server_not_initialized() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut client = Client::spawn(dir.path());
    client.send_raw(b"junk before anything\r\n\r\n");
    let response = client.request("textDocument/codeAction", json!({}));
    // The junk is logged to stderr only: before `initialize` the server
    // sends nothing but responses.
    assert_eq!(client.seen, Vec::<Value>::new());
    expect![[r#"
        {
          "error": {
            "code": -32002,
            "data": null,
            "message": "Server is not initialized yet"
          },
          "id": 1,
          "jsonrpc": "2.0"
        }"#]]
    .assert_eq(&pretty(&response));
    // A stray `initialized` before `initialize` must not end the session.
    client.notify("initialized", json!({}));
    let response = client.initialize(dir.path(), Value::Null);
    assert!(response["result"]["capabilities"].is_object(), "{response}");
    assert_eq!(client.shutdown_and_exit(), Some(0));
}

#[test]
fn garbage_bytes_bad_headers_and_invalid_json_are_survived() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut client = Client::spawn(dir.path());
    client.initialize(dir.path(), Value::Null);
    client.send_raw(b"\x00\xff\xfe garbage without a header\r\n\r\n");
    client.send_raw(b"Content-Length: not-a-number\r\n\r\n{}");
    client.send_raw(b"Content-Length: 9\r\n\r\n{\"jsonrpc");
    client.send_raw(b"Content-Length: 12\r\n\r\n{not json!!}");
    client.send_raw(b"Content-Length: 7\r\n\r\n[1,2,3]");
    client.send_raw(b"Content-Length: 999999999999\r\n\r\n");
    // The oversized frame swallows what follows until its length is read or
    // input ends, so it comes last: closing stdin must then end the server.
    client.close_stdin();
    assert_eq!(client.wait_exit(), Some(1));

    let mut client = Client::spawn(dir.path());
    client.initialize(dir.path(), Value::Null);
    client.send_raw(b"\x00\xff\xfe garbage without a header\r\n\r\n");
    client.send_raw(b"Content-Length: 12\r\n\r\n{not json!!}");
    client.send(&json!({ "jsonrpc": "2.0", "id": "s", "method": 42 }));
    let invalid = client.response_str("s");
    expect![[r#"
        {
          "error": {
            "code": -32600,
            "data": null,
            "message": "the method is not a string"
          },
          "id": "s",
          "jsonrpc": "2.0"
        }"#]]
    .assert_eq(&pretty(&invalid));
    let unknown = client.request("crossport/noSuchMethod", json!({}));
    expect![[r#"
        {
          "error": {
            "code": -32601,
            "data": null,
            "message": "No such method crossport/noSuchMethod"
          },
          "id": 2,
          "jsonrpc": "2.0"
        }"#]]
    .assert_eq(&pretty(&unknown));
    client.notify("crossport/noSuchNotification", json!({}));
    client.notify("textDocument/didOpen", json!({ "wrong": "params" }));
    client.notify("initialized", json!({}));
    let bad_params = client.request("textDocument/codeAction", json!({ "nope": 1 }));
    assert_eq!(bad_params["error"]["code"], json!(-32602), "{bad_params}");
    assert_eq!(client.shutdown_and_exit(), Some(0));
}

#[test]
fn non_toml_documents_and_folders_without_cargo_toml_get_empty_results() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut client = Client::spawn(dir.path());
    client.initialize(dir.path(), Value::Null);
    let readme = dir.path().join("README.md");
    let cargo_toml = dir.path().join("Cargo.toml");
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": file_uri(&readme), "languageId": "markdown", "version": 1, "text": "# hi\n" } }),
    );
    // A Cargo.toml that exists only in the editor, full of non-TOML.
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": file_uri(&cargo_toml), "languageId": "toml", "version": 1, "text": "\u{0}not [toml\n" } }),
    );
    for uri in [
        file_uri(&readme),
        file_uri(&cargo_toml),
        "untitled:Untitled-1".to_owned(),
    ] {
        let response = client.request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri },
                "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 3 } },
                "context": { "diagnostics": [] }
            }),
        );
        assert_eq!(response["result"], json!([]), "{response}");
    }
    let doctor = client.request(
        "workspace/executeCommand",
        json!({ "command": "crossport.doctor", "arguments": [] }),
    );
    expect![[r#"
        {
          "error": {
            "code": -32803,
            "data": null,
            "message": "which project? pass `manifest` or `uri`"
          },
          "id": 5,
          "jsonrpc": "2.0"
        }"#]]
    .assert_eq(&pretty(&doctor));
    assert_eq!(client.shutdown_and_exit(), Some(0));
}

#[test]
fn unknown_commands_and_missing_arguments_are_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut client = Client::spawn(dir.path());
    client.initialize(dir.path(), Value::Null);
    let inspect = client.request(
        "workspace/executeCommand",
        json!({ "command": "crossport.inspect" }),
    );
    expect![[r#"
        {
          "error": {
            "code": -32803,
            "data": null,
            "message": "which binary? pass `binary`, or name the project with `manifest` or `uri`"
          },
          "id": 2,
          "jsonrpc": "2.0"
        }"#]]
    .assert_eq(&pretty(&inspect));
    let unknown = client.request("workspace/executeCommand", json!({ "command": "rm.rf" }));
    assert_eq!(unknown["error"]["code"], json!(-32602), "{unknown}");
    let bad = client.request(
        "workspace/executeCommand",
        json!({ "command": "crossport.applyFix", "arguments": [{ "fix": 3 }] }),
    );
    assert_eq!(bad["error"]["code"], json!(-32602), "{bad}");
    assert_eq!(client.shutdown_and_exit(), Some(0));
}
