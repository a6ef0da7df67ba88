//! The scoring tool (`examples/score.rs`) on the corpus's tune part: every
//! tune row is scored, the report adds up, and a miss is reported as one.
//! This checks the tool, not the accuracy figure (docs/diagnostics.md has it).

use std::path::{Path, PathBuf};

use crossport_analysis::score::{Row, parse_table, score_corpus};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/corpus")
}

fn tune_rows() -> Vec<Row> {
    let table = std::fs::read_to_string(corpus_dir().join("corpus.tsv"))
        .expect("fixtures/corpus/corpus.tsv exists");
    let rows = parse_table(&table).expect("corpus.tsv is well formed");
    rows.into_iter().filter(|row| row.split == "tune").collect()
}

fn load(id: &str) -> Result<Vec<u8>, String> {
    let path = corpus_dir().join("logs").join(format!("{id}.log"));
    std::fs::read(&path).map_err(|err| format!("{}: {err}", path.display()))
}

#[test]
fn scores_every_tune_log_and_reports_the_misses() {
    let rows = tune_rows();
    assert!(rows.len() >= 50, "the tune part has {} rows", rows.len());
    let report = score_corpus(&rows, "tune", load).expect("every tune log loads");
    assert_eq!(report.outcomes.len(), rows.len());
    assert_eq!(report.splits.len(), 1, "only the tune split was scored");
    let (all, kinds) = &report.splits["tune"];
    assert_eq!(all.total, rows.len());
    assert_eq!(kinds.values().map(|t| t.total).sum::<usize>(), rows.len());
    assert_eq!(kinds.values().map(|t| t.hits).sum::<usize>(), all.hits);
    assert_eq!(report.misses().count(), all.total - all.hits);
    let text = report.render();
    assert!(text.starts_with("tune: top-1 "), "{text}");
    for kind in kinds.keys() {
        assert!(
            text.contains(&format!("  {kind} ")),
            "{kind} missing:\n{text}"
        );
    }
}

#[test]
fn a_mislabelled_log_is_a_miss() {
    let mut rows = tune_rows();
    rows.truncate(3);
    let first = score_corpus(&rows, "tune", load).expect("scores");
    // Label the first log with a kind other than the one found for it.
    let found = first.outcomes[0].got.clone();
    rows[0].kind = if found == "none" {
        "zigbuild_error"
    } else {
        "none"
    }
    .to_owned();
    let report = score_corpus(&rows, "tune", load).expect("scores");
    let misses: Vec<&str> = report.misses().map(|m| m.id.as_str()).collect();
    assert!(misses.contains(&rows[0].id.as_str()), "{}", report.render());
}

#[test]
fn the_markdown_table_has_a_row_per_kind_and_the_total() {
    let rows = tune_rows();
    let report = score_corpus(&rows, "tune", load).expect("scores");
    let table = report.markdown();
    let (all, kinds) = &report.splits["tune"];
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0], "| kind | tune |");
    assert_eq!(lines.len(), kinds.len() + 3, "{table}");
    for (kind, tally) in kinds {
        let row = format!("| `{kind}` | {}/{} (", tally.hits, tally.total);
        assert!(table.contains(&row), "{row} missing:\n{table}");
    }
    let total = format!(
        "| all | {}/{} ({:.1}%) |",
        all.hits,
        all.total,
        all.percent()
    );
    assert_eq!(lines.last(), Some(&total.as_str()));
}

/// `(row name, first figure column)` of a markdown table's body rows.
fn first_column(table: &str) -> Vec<(String, String)> {
    table
        .lines()
        .filter(|line| line.starts_with("| `") || line.starts_with("| all |"))
        .map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            (cells[1].to_owned(), cells[2].to_owned())
        })
        .collect()
}

#[test]
fn docs_tune_column_is_what_the_rules_score_now() {
    let docs = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/diagnostics.md"),
    )
    .expect("docs/diagnostics.md exists");
    let section = docs
        .split("## Measured accuracy")
        .nth(1)
        .expect("docs/diagnostics.md has a Measured accuracy section")
        // The first corpus's table only; fixtures/corpus2 has its own subsection.
        .split("\n### ")
        .next()
        .unwrap_or_default();
    let documented = first_column(section);
    let rows = tune_rows();
    let measured = first_column(
        &score_corpus(&rows, "tune", load)
            .expect("scores")
            .markdown(),
    );
    assert_eq!(
        documented, measured,
        "docs/diagnostics.md's tune column is stale: regenerate it with \
         `cargo run -p crossport-analysis --example score -- fixtures/corpus --split all --markdown`"
    );
}

/// The split rule of fixtures/corpus/split.py, checked here too so that CI
/// fails if a row's part was edited by hand (moving a held-out log into the
/// tuning part) or a log lost its row: for every corpus, a log is `heldout`
/// iff the first byte of sha256(id) is below 0x66. Reads file names and the
/// table only, never a held-out log's text.
#[test]
fn every_corpus_keeps_the_split_rule_and_a_file_per_row() {
    use sha2::{Digest, Sha256};
    for name in ["corpus", "corpus2", "corpus3", "corpus4"] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures")
            .join(name);
        let table = std::fs::read_to_string(dir.join("corpus.tsv")).expect("corpus.tsv exists");
        let rows = parse_table(&table).expect("corpus.tsv is well formed");
        let mut ids = std::collections::BTreeSet::new();
        for row in &rows {
            let rule = if Sha256::digest(row.id.as_bytes())[0] < 0x66 {
                "heldout"
            } else {
                "tune"
            };
            assert_eq!(
                row.split, rule,
                "fixtures/{name}: {} is in the wrong part",
                row.id
            );
            assert!(
                ids.insert(row.id.clone()),
                "fixtures/{name}: {} twice",
                row.id
            );
            assert!(
                dir.join("logs").join(format!("{}.log", row.id)).is_file(),
                "fixtures/{name}: no log file for {}",
                row.id
            );
        }
        for entry in std::fs::read_dir(dir.join("logs")).expect("logs/") {
            let file = entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned();
            if file.starts_with('.') {
                continue;
            }
            let id = file.strip_suffix(".log").unwrap_or(&file);
            assert!(ids.contains(id), "fixtures/{name}/logs/{file} has no row");
        }
    }
}
