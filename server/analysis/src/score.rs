//! Scores the explain engine on a labelled corpus of real logs
//! (fixtures/corpus): top-1 accuracy per split and per kind, and the misses.
//!
//! The corpus is a `corpus.tsv` table (`id kind split variations source
//! note`) and one `logs/<id>.log` per row. A row's `kind` is the root cause a
//! person reading the log names, or `none` for a log without a failure; the
//! engine is right when its first finding has that kind (no finding for
//! `none`). No IO here: the caller loads the logs, so the example binary
//! (`examples/score.rs`) and the tests score with the same code.

use std::collections::BTreeMap;

use crate::explain::explain;

/// The label for a log in which nothing failed.
pub const NO_FAILURE: &str = "none";

/// One labelled log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub id: String,
    pub kind: String,
    pub split: String,
    pub variations: Vec<String>,
}

/// The columns corpus.tsv starts with.
const HEADER: [&str; 4] = ["id", "kind", "split", "variations"];

/// Reads corpus.tsv. A malformed table is an error naming the line.
pub fn parse_table(tsv: &str) -> Result<Vec<Row>, String> {
    let mut lines = tsv.lines().enumerate();
    let header: Vec<&str> = lines
        .next()
        .map(|(_, line)| line.split('\t').collect())
        .unwrap_or_default();
    if header.len() < HEADER.len() || header[..HEADER.len()] != HEADER {
        return Err(format!(
            "corpus.tsv line 1: expected the columns {} first, found {:?}",
            HEADER.join(" "),
            header
        ));
    }
    let mut rows = Vec::new();
    for (index, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        if cells.len() < HEADER.len() || cells[..3].iter().any(|cell| cell.trim().is_empty()) {
            return Err(format!(
                "corpus.tsv line {}: a row needs id, kind, split and variations separated by tabs",
                index + 1
            ));
        }
        rows.push(Row {
            id: cells[0].trim().to_owned(),
            kind: cells[1].trim().to_owned(),
            split: cells[2].trim().to_owned(),
            variations: cells[3]
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .collect(),
        });
    }
    Ok(rows)
}

/// What the engine said about one log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub id: String,
    pub split: String,
    pub expected: String,
    /// The kind of the first finding, or [`NO_FAILURE`].
    pub got: String,
}

impl Outcome {
    pub fn hit(&self) -> bool {
        self.expected == self.got
    }
}

/// Explains one log the way `crossport explain` does and takes its first kind.
pub fn score_one(row: &Row, log: &[u8]) -> Outcome {
    let findings = explain(log, None);
    Outcome {
        id: row.id.clone(),
        split: row.split.clone(),
        expected: row.kind.clone(),
        got: findings
            .first()
            .map_or_else(|| NO_FAILURE.to_owned(), |f| f.kind.as_str().to_owned()),
    }
}

/// Hits and totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub hits: usize,
    pub total: usize,
}

impl Tally {
    fn add(&mut self, hit: bool) {
        self.total += 1;
        self.hits += usize::from(hit);
    }

    pub fn percent(self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            100.0 * self.hits as f64 / self.total as f64
        }
    }
}

/// The score of a set of outcomes.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub outcomes: Vec<Outcome>,
    /// Per split, then per expected kind.
    pub splits: BTreeMap<String, (Tally, BTreeMap<String, Tally>)>,
}

impl Report {
    pub fn new(outcomes: Vec<Outcome>) -> Self {
        let mut splits: BTreeMap<String, (Tally, BTreeMap<String, Tally>)> = BTreeMap::new();
        for outcome in &outcomes {
            let (all, kinds) = splits.entry(outcome.split.clone()).or_default();
            all.add(outcome.hit());
            kinds
                .entry(outcome.expected.clone())
                .or_default()
                .add(outcome.hit());
        }
        Report { outcomes, splits }
    }

    /// Logs of `split` labelled with a failure that got no finding at all
    /// (the answer issue #13 says must never happen), and how many logs of
    /// the split are labelled with a failure.
    pub fn empty_answers(&self, split: &str) -> (usize, usize) {
        let failed = self
            .outcomes
            .iter()
            .filter(|outcome| outcome.split == split && outcome.expected != NO_FAILURE);
        failed.fold((0, 0), |(empty, total), outcome| {
            (empty + usize::from(outcome.got == NO_FAILURE), total + 1)
        })
    }

    pub fn misses(&self) -> impl Iterator<Item = &Outcome> {
        self.outcomes.iter().filter(|outcome| !outcome.hit())
    }

    /// Plain text: top-1 per split, per kind, then every miss.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (split, (all, kinds)) in &self.splits {
            out.push_str(&format!(
                "{split}: top-1 {}/{} ({:.1}%)\n",
                all.hits,
                all.total,
                all.percent()
            ));
            for (kind, tally) in kinds {
                out.push_str(&format!(
                    "  {kind:<28} {:>3}/{:<3} {:>5.1}%\n",
                    tally.hits,
                    tally.total,
                    tally.percent()
                ));
            }
            let (empty, failed) = self.empty_answers(split);
            out.push_str(&format!(
                "  empty answers on failed logs: {empty}/{failed}\n"
            ));
        }
        let misses: Vec<&Outcome> = self.misses().collect();
        out.push_str(&format!("misses: {}\n", misses.len()));
        for miss in misses {
            out.push_str(&format!(
                "  {} [{}]: expected {}, got {}\n",
                miss.id, miss.split, miss.expected, miss.got
            ));
        }
        out
    }

    /// A markdown table, one row per kind and one column per split scored
    /// (`tune` before `heldout`), then the totals: the table in
    /// docs/diagnostics.md. `hits/total (percent%)` per cell.
    pub fn markdown(&self) -> String {
        let mut splits: Vec<&String> = self.splits.keys().collect();
        splits.sort_by_key(|split| (split.as_str() != "tune", split.as_str().to_owned()));
        let heading = |split: &str| match split {
            "heldout" => "held out".to_owned(),
            other => other.to_owned(),
        };
        let mut kinds: Vec<&String> = self
            .splits
            .values()
            .flat_map(|(_, kinds)| kinds.keys())
            .collect();
        kinds.sort();
        kinds.dedup();
        let cell = |tally: Option<Tally>, decimals: usize| match tally {
            Some(t) if t.total > 0 => {
                format!("{}/{} ({:.*}%)", t.hits, t.total, decimals, t.percent())
            }
            _ => "–".to_owned(),
        };
        let mut out = String::from("| kind |");
        for split in &splits {
            out.push_str(&format!(" {} |", heading(split)));
        }
        out.push_str("\n|---|");
        out.push_str(&"---:|".repeat(splits.len()));
        out.push('\n');
        for kind in kinds {
            out.push_str(&format!("| `{kind}` |"));
            for split in &splits {
                let tally = self.splits[*split].1.get(kind).copied();
                out.push_str(&format!(" {} |", cell(tally, 0)));
            }
            out.push('\n');
        }
        out.push_str("| all |");
        for split in &splits {
            out.push_str(&format!(" {} |", cell(Some(self.splits[*split].0), 1)));
        }
        out.push('\n');
        out
    }
}

/// Scores every row of `split` (`all` for every row), loading each log with
/// `load(id)`. A log that cannot be loaded is an error naming it.
pub fn score_corpus(
    rows: &[Row],
    split: &str,
    mut load: impl FnMut(&str) -> Result<Vec<u8>, String>,
) -> Result<Report, String> {
    let mut outcomes = Vec::new();
    for row in rows
        .iter()
        .filter(|row| split == "all" || row.split == split)
    {
        let log = load(&row.id)?;
        outcomes.push(score_one(row, &log));
    }
    if outcomes.is_empty() {
        return Err(format!("no corpus row has the split `{split}`"));
    }
    Ok(Report::new(outcomes))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "id\tkind\tsplit\tvariations\tsource\tnote
a\tlinker_not_found\ttune\texcerpt\thttps://x\tn
b\tnone\ttune\t\thttps://x\tn
c\tglibc_too_new\theldout\tquotes\thttps://x\tn
";

    #[test]
    fn reads_the_table() {
        let rows = parse_table(TABLE).expect("a valid table");
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].variations, ["excerpt"]);
        assert!(rows[1].variations.is_empty());
        assert!(parse_table("id\tsplit\n").unwrap_err().contains("line 1"));
        let short = "id\tkind\tsplit\tvariations\nx\ttune\n";
        assert!(parse_table(short).unwrap_err().contains("line 2"));
    }

    #[test]
    fn scores_hits_and_misses_per_split_and_kind() {
        let rows = parse_table(TABLE).expect("a valid table");
        let logs = |id: &str| -> Result<Vec<u8>, String> {
            Ok(match id {
                "a" => b"error: linker `cc` not found\n".to_vec(),
                // Mislabelled on purpose: a success labelled as a failure.
                "c" => b"    Finished dev\n".to_vec(),
                _ => b"   Compiling x v0.1.0\n".to_vec(),
            })
        };
        let report = score_corpus(&rows, "all", logs).expect("scores");
        assert_eq!(report.splits["tune"].0, Tally { hits: 2, total: 2 });
        assert_eq!(report.splits["heldout"].0, Tally { hits: 0, total: 1 });
        let text = report.render();
        assert!(text.contains("tune: top-1 2/2 (100.0%)"), "{text}");
        assert!(
            text.contains("c [heldout]: expected glibc_too_new, got none"),
            "{text}"
        );
        // `c` is labelled glibc_too_new and got nothing: an empty answer.
        assert_eq!(report.empty_answers("heldout"), (1, 1));
        assert!(text.contains("empty answers on failed logs: 1/1"), "{text}");
        let tune_only = score_corpus(&rows, "tune", logs).expect("scores");
        assert_eq!(tune_only.outcomes.len(), 2);
        assert!(score_corpus(&rows, "nope", logs).is_err());
        let missing = score_corpus(&rows, "all", |id| Err(format!("no log {id}")));
        assert_eq!(missing.unwrap_err(), "no log a");
    }
}
