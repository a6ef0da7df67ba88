//! README.md's fenced commands that run crossport on the repository's own
//! files run as written, from the repository root, with `crossport` (or
//! `cargo run --locked --`) mapped to the binary under test: the main job
//! must never again name a file that does not exist.

use std::process::Command;

use crate::support::repo_root;

/// The shell lines inside ``` fences, comments and blank lines dropped.
fn fenced_lines(markdown: &str) -> Vec<String> {
    let mut inside = false;
    let mut lines = Vec::new();
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            inside = !inside;
            continue;
        }
        let line = line.trim();
        if inside && !line.is_empty() && !line.starts_with('#') {
            lines.push(line.to_owned());
        }
    }
    lines
}

/// The crossport arguments of a line that runs crossport, else `None`.
fn crossport_args(line: &str) -> Option<Vec<String>> {
    let words = shell_words(line)?;
    let rest = if words.first().is_some_and(|w| w == "crossport") {
        &words[1..]
    } else if words.len() > 2 && words[0] == "cargo" && words[1] == "run" {
        let dashes = words.iter().position(|w| w == "--")?;
        // Only runs of the default binary (no -p/--example/--bin).
        if words[2..dashes]
            .iter()
            .any(|w| matches!(w.as_str(), "-p" | "--package" | "--example" | "--bin"))
        {
            return None;
        }
        &words[dashes + 1..]
    } else {
        return None;
    };
    Some(rest.to_vec())
}

/// Splits on whitespace, honouring single and double quotes. `None` for
/// lines with shell syntax this test does not run (pipes, redirections).
fn shell_words(line: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut started = false;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => current.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                started = true;
            }
            (None, '|' | '>' | '<' | ';' | '&' | '$' | '`') => return None,
            (None, c) if c.is_whitespace() => {
                if started || !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                    started = false;
                }
            }
            (None, c) => current.push(c),
        }
    }
    if started || !current.is_empty() {
        words.push(current);
    }
    Some(words)
}

#[test]
fn every_readme_command_on_the_repositorys_files_runs() {
    let root = repo_root();
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md exists");
    let mut ran = Vec::new();
    for line in fenced_lines(&readme) {
        let Some(args) = crossport_args(&line) else {
            continue;
        };
        let on_own_files = args.iter().any(|arg| root.join(arg).exists());
        if !on_own_files {
            continue;
        }
        let output = Command::new(env!("CARGO_BIN_EXE_crossport"))
            .args(&args)
            .current_dir(&root)
            .output()
            .expect("crossport starts");
        assert!(
            output.status.success(),
            "README command failed: {line}\n{:?}\nstdout:\n{}\nstderr:\n{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            !output.stdout.is_empty(),
            "README command printed nothing: {line}"
        );
        ran.push(line);
    }
    assert!(
        ran.iter().any(|line| line.contains(" explain ")),
        "README's set-up runs no `explain` on a repository file (ran: {ran:?})"
    );
}

#[test]
fn reads_commands_the_way_a_shell_would() {
    let readme = "text\n```sh\n# a comment\ncargo run --locked -- explain 'a b.log'\ncrossport doctor --target x\ncargo run -p other -- x\nscripts/test\n```\nnot `crossport fix`\n";
    let commands: Vec<Vec<String>> = fenced_lines(readme)
        .iter()
        .filter_map(|line| crossport_args(line))
        .collect();
    assert_eq!(
        commands,
        [
            vec!["explain".to_owned(), "a b.log".to_owned()],
            vec!["doctor".to_owned(), "--target".to_owned(), "x".to_owned()],
        ]
    );
    assert_eq!(crossport_args("crossport explain x | less"), None);
}
