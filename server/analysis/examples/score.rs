//! Scores `explain` on a labelled corpus of real logs: top-1 accuracy per
//! split and per kind, then every miss (id, expected kind, first kind found).
//!
//! ```text
//! cargo run -p crossport-analysis --example score -- fixtures/corpus [--split tune|heldout|all] [--markdown]
//! ```
//!
//! The default split is `tune`: the held-out part is only scored on purpose,
//! never looked at while rules are written. `--markdown` prints the per-kind
//! table of docs/diagnostics.md instead (with `--split all`, both columns).
//! Exit status 0 when every log was scored (whatever the accuracy), 2 on a
//! missing or malformed corpus.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crossport_analysis::score::{parse_table, score_corpus};

fn main() -> ExitCode {
    match run() {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<String, String> {
    let mut dir: Option<PathBuf> = None;
    let mut split = String::from("tune");
    let mut markdown = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--split" => {
                split = args
                    .next()
                    .ok_or("--split needs a value: tune, heldout or all")?;
            }
            "--markdown" => markdown = true,
            other if other.starts_with('-') => {
                return Err(format!(
                    "unknown option {other}; usage: score CORPUS_DIR [--split tune|heldout|all] [--markdown]"
                ));
            }
            other => dir = Some(PathBuf::from(other)),
        }
    }
    let dir = dir.ok_or(
        "usage: score CORPUS_DIR [--split tune|heldout|all] [--markdown] (e.g. fixtures/corpus)",
    )?;
    let table_path = dir.join("corpus.tsv");
    let table = std::fs::read_to_string(&table_path)
        .map_err(|err| format!("could not read {}: {err}", table_path.display()))?;
    let rows = parse_table(&table)?;
    let report = score_corpus(&rows, &split, |id| read_log(&dir, id))?;
    Ok(if markdown {
        report.markdown()
    } else {
        report.render()
    })
}

fn read_log(dir: &Path, id: &str) -> Result<Vec<u8>, String> {
    let path = dir.join("logs").join(format!("{id}.log"));
    std::fs::read(&path).map_err(|err| format!("could not read {}: {err}", path.display()))
}
