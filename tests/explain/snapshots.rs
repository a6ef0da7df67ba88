//! A snapshot of `crossport explain --format json` for every captured log.
//! Review changes with `cargo insta review` (or `INSTA_UPDATE=always`).

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
    for log in logs {
        let name = log
            .file_stem()
            .and_then(|stem| stem.to_str())
            .expect("fixture names are UTF-8")
            .to_owned();
        let report = explain_json_file(&log, &[]);
        insta::with_settings!({ snapshot_suffix => name, prepend_module_to_snapshot => false }, {
            insta::assert_json_snapshot!("explain", report);
        });
    }
}
