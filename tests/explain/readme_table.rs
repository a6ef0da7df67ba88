//! fixtures/README.md labels each log with the root cause a person reading it
//! would name; the first finding of `crossport explain` must be that kind.

use crate::support::{explain_json_file, fixture_logs_dir, kinds, repo_root};

struct Row {
    file: String,
    kind: String,
    target: String,
}

/// The rows of the table under `## logs`.
fn logs_table() -> Vec<Row> {
    let readme = std::fs::read_to_string(repo_root().join("fixtures/README.md"))
        .expect("fixtures/README.md exists");
    let section = readme
        .split("\n## ")
        .find(|section| section.starts_with("logs"))
        .expect("fixtures/README.md has a `## logs` section");
    section
        .lines()
        .filter(|line| {
            line.starts_with("| ") && !line.starts_with("| file ") && !line.starts_with("|---")
        })
        .map(|line| {
            let cells: Vec<&str> = line
                .split(" | ")
                .map(|cell| cell.trim_matches(['|', ' ']))
                .collect();
            assert!(cells.len() >= 4, "a logs row has four columns: {line}");
            Row {
                file: cells[0].to_owned(),
                kind: cells[1].to_owned(),
                target: cells[2].to_owned(),
            }
        })
        .collect()
}

#[test]
fn first_finding_is_the_labelled_root_cause() {
    let rows = logs_table();
    assert!(!rows.is_empty(), "the logs table has rows");
    let mut wrong = Vec::new();
    for row in &rows {
        let path = fixture_logs_dir().join(&row.file);
        assert!(path.exists(), "{} is listed but missing", row.file);
        let report = explain_json_file(&path, &[]);
        let found = kinds(&report);
        if found.first() != Some(&row.kind) {
            wrong.push(format!(
                "{}: labelled {}, explained as {found:?}",
                row.file, row.kind
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} logs:\n{}",
        wrong.len(),
        rows.len(),
        wrong.join("\n")
    );
}

#[test]
fn first_finding_names_the_labelled_target() {
    let mut wrong = Vec::new();
    for row in logs_table().iter().filter(|row| row.target != "-") {
        let report = explain_json_file(&fixture_logs_dir().join(&row.file), &[]);
        let target = &report["findings"][0]["target"];
        if target.as_str() != Some(row.target.as_str()) {
            wrong.push(format!(
                "{}: labelled {}, explained as {target}",
                row.file, row.target
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_log_is_in_the_table() {
    let listed: Vec<String> = logs_table().into_iter().map(|row| row.file).collect();
    for entry in std::fs::read_dir(fixture_logs_dir()).expect("fixtures/logs exists") {
        let name = entry
            .expect("directory entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name.ends_with(".log") {
            assert!(
                listed.contains(&name),
                "{name} has no provenance row in fixtures/README.md"
            );
        }
    }
}
