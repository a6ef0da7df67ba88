//! The `failed to run custom build command for X` blocks of a log.
//!
//! When a build script fails, cargo prints a header naming the crate, a
//! `Caused by:` line with the script's path, then the script's captured
//! `--- stdout` and `--- stderr`, indented by two spaces. Most of what a
//! cross build needs to know (the target, the env vars the script consulted,
//! the tool or library it missed) is in there, so rules ask for it by block.

use std::ops::Range;

use super::LogLine;

/// One failed build script, as line-index ranges into [`super::CargoLog::lines`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildScriptFailure {
    pub crate_name: String,
    /// The version without its `v`, when the header shows one.
    pub crate_version: Option<String>,
    /// The header line through the last line of the block.
    pub lines: Range<usize>,
    pub stdout: Option<Range<usize>>,
    pub stderr: Option<Range<usize>>,
    /// Names from `cargo:rerun-if-env-changed=…`, in order, without repeats.
    pub env_vars: Vec<String>,
}

const HEADER: &str = "failed to run custom build command for `";

pub(crate) fn find_build_scripts(lines: &[LogLine]) -> Vec<BuildScriptFailure> {
    let mut blocks = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        match header_crate(lines[index].content()) {
            Some((crate_name, crate_version)) => {
                let end = block_end(lines, index);
                blocks.push(describe_block(lines, index..end, crate_name, crate_version));
                index = end.max(index + 1);
            }
            None => index += 1,
        }
    }
    blocks
}

/// `openssl-sys`, `0.9.102` from the header line.
fn header_crate(content: &str) -> Option<(String, Option<String>)> {
    let start = content.find(HEADER)? + HEADER.len();
    let rest = &content[start..];
    let quoted = &rest[..rest.find('`').unwrap_or(rest.len())];
    let mut words = quoted.split_whitespace();
    let name = words.next()?.to_owned();
    let version = words
        .next()
        .map(|v| v.strip_prefix('v').unwrap_or(v).to_owned());
    Some((name, version))
}

/// The index one past the block's last line. cargo indents everything
/// inside the block; when a paste lost that indentation the block ends at
/// the next line that starts another cargo message instead.
fn block_end(lines: &[LogLine], header: usize) -> usize {
    let header_indent = lines[header].indent();
    // cargo may put notes between the header and `Caused by:`; the block's
    // own structure starts at the `process didn't exit successfully` line.
    let process_line = lines
        .iter()
        .enumerate()
        .skip(header + 1)
        .take(12)
        .find(|(_, line)| {
            line.content()
                .starts_with("process didn't exit successfully")
        });
    let mut indented = process_line.is_some_and(|(_, line)| line.indent() > header_indent);
    let body_start = process_line.map_or(header + 1, |(index, _)| index + 1);
    for (index, line) in lines.iter().enumerate().skip(body_start) {
        let content = line.content();
        if content.is_empty() || content.starts_with("Caused by:") {
            continue;
        }
        // cargo before 1.50 did not indent the script's output.
        if matches!(content.trim_end(), "--- stdout" | "--- stderr") {
            indented &= line.indent() > header_indent;
            continue;
        }
        let ends = if indented {
            line.indent() <= header_indent
        } else {
            starts_cargo_message(content)
        };
        if ends {
            return trim_blank_tail(lines, header, index);
        }
    }
    trim_blank_tail(lines, header, lines.len())
}

fn starts_cargo_message(content: &str) -> bool {
    [
        "error: ",
        "error[",
        "warning: build failed",
        "Compiling ",
        "Finished ",
        "Building ",
    ]
    .iter()
    .any(|prefix| content.starts_with(prefix))
}

fn trim_blank_tail(lines: &[LogLine], header: usize, mut end: usize) -> usize {
    while end > header + 1 && lines[end - 1].content().is_empty() {
        end -= 1;
    }
    end
}

fn describe_block(
    lines: &[LogLine],
    range: Range<usize>,
    crate_name: String,
    crate_version: Option<String>,
) -> BuildScriptFailure {
    let marker = |name: &str| {
        range
            .clone()
            .find(|&index| lines[index].content().trim_end() == name)
    };
    let stdout_header = marker("--- stdout");
    let stderr_header = marker("--- stderr");
    let stdout = stdout_header.map(|start| {
        let end = stderr_header
            .filter(|&stderr| stderr > start)
            .unwrap_or(range.end);
        start + 1..end
    });
    let stderr = stderr_header.map(|start| start + 1..range.end);
    let mut env_vars: Vec<String> = Vec::new();
    for line in &lines[range.clone()] {
        let content = line.content();
        let name = content
            .strip_prefix("cargo:rerun-if-env-changed=")
            .or_else(|| content.strip_prefix("cargo::rerun-if-env-changed="));
        if let Some(name) = name.map(str::trim)
            && !name.is_empty()
            && !env_vars.iter().any(|known| known == name)
        {
            env_vars.push(name.to_owned());
        }
    }
    BuildScriptFailure {
        crate_name,
        crate_version,
        lines: range,
        stdout,
        stderr,
        env_vars,
    }
}

#[cfg(test)]
mod tests {
    use crate::cargo_log::read;

    const BLOCK: &str = "   Compiling openssl-sys v0.9.102
error: failed to run custom build command for `openssl-sys v0.9.102`
note: To improve backtraces for build dependencies, set the CARGO_PROFILE_DEV_BUILD_OVERRIDE_DEBUG=true environment variable to enable debug information generation.
Caused by:
  process didn't exit successfully: `/w/target/debug/build/openssl-sys-1/build-script-main` (exit status: 101)
  --- stdout
  cargo:rerun-if-env-changed=AARCH64_UNKNOWN_LINUX_GNU_OPENSSL_DIR
  cargo:rerun-if-env-changed=OPENSSL_DIR
  cargo:rerun-if-env-changed=OPENSSL_DIR

  --- stderr
  thread 'main' panicked at build/find_normal.rs:190:5:
  Could not find directory of OpenSSL installation

warning: build failed, waiting for other jobs to finish...
";

    #[test]
    fn finds_block_sections_and_env_vars() {
        let log = read(BLOCK.as_bytes());
        let [block] = log.build_scripts.as_slice() else {
            panic!("expected one block, got {:?}", log.build_scripts);
        };
        assert_eq!(block.crate_name, "openssl-sys");
        assert_eq!(block.crate_version.as_deref(), Some("0.9.102"));
        assert_eq!(block.lines, 1..13);
        assert_eq!(block.stdout, Some(6..10));
        assert_eq!(block.stderr, Some(11..13));
        assert_eq!(
            block.env_vars,
            ["AARCH64_UNKNOWN_LINUX_GNU_OPENSSL_DIR", "OPENSSL_DIR"]
        );
        assert!(log.build_script_at(12).is_some());
        assert!(log.build_script_at(14).is_none());
    }

    #[test]
    fn old_cargo_did_not_indent_script_output() {
        let old = "error: failed to run custom build command for `openssl-sys v0.9.58`

Caused by:
  process didn't exit successfully: `/w/target/release/build/openssl-sys-2/build-script-main` (exit code: 101)
--- stdout
cargo:rerun-if-env-changed=OPENSSL_DIR
--- stderr
thread 'main' panicked at 'OpenSSL library directory does not exist: /usr/local/opt/openssl/lib'

error: could not compile `app`
";
        let log = read(old.as_bytes());
        let [block] = log.build_scripts.as_slice() else {
            panic!("expected one block, got {:?}", log.build_scripts);
        };
        assert_eq!(block.lines, 0..8);
        assert_eq!(block.stderr, Some(7..8));
        assert_eq!(block.env_vars, ["OPENSSL_DIR"]);
    }

    #[test]
    fn flattened_paste_still_finds_the_block() {
        let flat: String = BLOCK
            .lines()
            .map(|line| format!("> {}\n", line.trim_start()))
            .collect();
        let log = read(flat.as_bytes());
        let [block] = log.build_scripts.as_slice() else {
            panic!("expected one block, got {:?}", log.build_scripts);
        };
        assert_eq!(block.lines, 1..13);
        assert_eq!(block.env_vars.len(), 2);
    }
}
