//! A snapshot of `crossport explain --format json` for every captured log:
//! `fixtures/logs/<name>.log` against `tests/explain/snapshots/<name>.json`.
//! Review a change with `git diff` after `UPDATE_EXPECT=1 cargo test -p
//! crossport --test explain every_fixture_log`.

use std::path::Path;

use crate::support::{explain_json_file, fixture_logs_dir};

#[test]
fn every_fixture_log() {
    let mut logs: Vec<_> = std::fs::read_dir(fixture_logs_dir())
        .expect("fixtures/logs exists")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "log"))
        .collect();
    logs.sort();
    assert!(!logs.is_empty(), "no fixture logs found");
    let snapshots = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/explain/snapshots");
    for log in logs {
        let name = log
            .file_stem()
            .and_then(|stem| stem.to_str())
            .expect("fixture names are UTF-8")
            .to_owned();
        let report = explain_json_file(&log, &[]);
        let pretty = serde_json::to_string_pretty(&report).expect("a report serialises");
        expect_test::expect_file![snapshots.join(format!("{name}.json"))]
            .assert_eq(&format!("{pretty}\n"));
    }
}
