//! initialize, shutdown, exit, and the exit code that says which came first.

use expect_test::expect;
use serde_json::{Value, json};

use crate::support::{Client, pretty};

#[test]
fn initialize_advertises_utf16_sync_code_actions_and_commands() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut client = Client::spawn(dir.path());
    let response = client.initialize(dir.path(), Value::Null);
    expect![[r#"
        {
          "id": 1,
          "jsonrpc": "2.0",
          "result": {
            "capabilities": {
              "codeActionProvider": {
                "codeActionKinds": [
                  "quickfix"
                ],
                "resolveProvider": false
              },
              "executeCommandProvider": {
                "commands": [
                  "crossport.build",
                  "crossport.fetchSysroot",
                  "crossport.addTarget",
                  "crossport.applyFix",
                  "crossport.doctor",
                  "crossport.inspect",
                  "crossport.deploy"
                ]
              },
              "positionEncoding": "utf-16",
              "textDocumentSync": {
                "change": 2,
                "openClose": true,
                "save": {
                  "includeText": false
                }
              }
            },
            "serverInfo": {
              "name": "crossport",
              "version": "0.1.0"
            }
          }
        }"#]]
    .assert_eq(&pretty(&response));
    assert_eq!(client.shutdown_and_exit(), Some(0));
}

#[test]
fn exit_without_shutdown_ends_the_process_with_code_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut client = Client::spawn(dir.path());
    client.initialize(dir.path(), Value::Null);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit(), Some(1));
}

#[test]
fn requests_after_shutdown_are_refused_but_exit_still_works() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut client = Client::spawn(dir.path());
    client.initialize(dir.path(), Value::Null);
    client.request("shutdown", Value::Null);
    // Neovim 0.7 sends a second shutdown when it quits after `stop_client`.
    let again = client.request("shutdown", Value::Null);
    expect![[r#"
        {
          "error": {
            "code": -32600,
            "data": null,
            "message": "Server is shutting down"
          },
          "id": 3,
          "jsonrpc": "2.0"
        }"#]]
    .assert_eq(&pretty(&again));
    client.notify("exit", json!(null));
    assert_eq!(client.wait_exit(), Some(0));
}
