//! Turns one raw line of a captured log into the text cargo printed.
//!
//! Logs arrive decorated: terminal colour and hyperlinks, carriage returns
//! from progress bars and Windows, and prefixes added by whatever captured
//! them (CI timestamps, GitHub Actions workflow commands, docker build step
//! numbers). Rules should see none of that, so it is removed here once.

/// Cleans one raw line (without its `\n`): lossy UTF-8, no escape sequences,
/// no carriage-return overwrites, no CI prefixes. Indentation is kept.
pub(crate) fn clean_line(raw: &[u8]) -> String {
    let decoded = String::from_utf8_lossy(raw);
    let visible = last_carriage_segment(&decoded);
    let plain = strip_escapes(visible);
    let plain = strip_visible_escapes(&plain);
    strip_tool_prefixes(&plain).to_owned()
}

/// Colour that survived as text: escapes a tool or a paste wrote out
/// literally (`\x1b[31m`, `\u001b[31m`, `\033[31m`, `\e[31m`, `^[[31m`),
/// and the very common paste where only the ESC byte was lost
/// (`[0m[1m[31merror[0m`, gcc's `[01;31m[Kerror:[m[K`). The bare form is
/// removed only from a line that has at least one SGR with a number in it,
/// so that `[m` or `[K` in ordinary text stays.
fn strip_visible_escapes(line: &str) -> std::borrow::Cow<'_, str> {
    static LITERAL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?:\\x1[bB]|\\u001[bB]|\\u\{1[bB]\}|\\033|\\e|\^\[)\[[0-9;?]*[A-Za-z]")
            .expect("a valid literal")
    });
    static NUMBERED: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"\[[0-9]{1,3}(?:;[0-9]{1,3})*m").expect("a valid literal")
    });
    static BARE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"\[(?:[0-9]{1,3}(?:;[0-9]{1,3})*)?[mK]").expect("a valid literal")
    });
    if !line.contains('[') {
        return std::borrow::Cow::Borrowed(line);
    }
    let line = LITERAL.replace_all(line, "");
    if !NUMBERED.is_match(&line) {
        return line;
    }
    std::borrow::Cow::Owned(BARE.replace_all(&line, "").into_owned())
}

/// A terminal shows only what follows the last `\r` of a line (progress bars
/// redraw this way); a trailing `\r` is a Windows line ending.
fn last_carriage_segment(line: &str) -> &str {
    let line = line.strip_suffix('\r').unwrap_or(line);
    match line.rsplit('\r').find(|segment| !segment.trim().is_empty()) {
        Some(segment) => segment,
        None => line.rsplit('\r').next().unwrap_or(line),
    }
}

/// Removes ANSI CSI sequences (colour, erase line), OSC sequences (cargo's
/// hyperlinks) and other control characters except tab.
fn strip_escapes(line: &str) -> std::borrow::Cow<'_, str> {
    if !line.bytes().any(|b| b < 0x20 && b != b'\t' || b == 0x7f) {
        return std::borrow::Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.next() {
        // CSI: parameters and intermediates, then one final byte in @..~.
        Some('[') => {
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        }
        // OSC: up to BEL or ESC \ (string terminator).
        Some(']') => {
            while let Some(c) = chars.next() {
                if c == '\u{7}' {
                    break;
                }
                if c == '\u{1b}' {
                    if chars.peek() == Some(&'\\') {
                        chars.next();
                    }
                    break;
                }
            }
        }
        // Two-character escapes (ESC ( B and friends) take one more.
        Some('(' | ')' | '#' | '%') => {
            chars.next();
        }
        _ => {}
    }
}

/// Removes prefixes other tools put in front of cargo's lines, repeatedly,
/// since they stack (a timestamp, then `##[error]`).
fn strip_tool_prefixes(line: &str) -> &str {
    let mut rest = line;
    loop {
        let before = rest.len();
        rest = strip_timestamp(rest);
        rest = strip_workflow_command(rest);
        rest = strip_docker_step(rest);
        rest = strip_clock(rest);
        rest = strip_elapsed(rest);
        rest = strip_name_prompt(rest);
        rest = strip_task_tag(rest);
        rest = strip_bracketed_stamp(rest);
        rest = strip_relay_word(rest);
        rest = strip_service_bar(rest);
        rest = strip_run_log_columns(rest);
        if rest.len() == before {
            return rest;
        }
    }
}

/// `2024-01-01T00:00:00.0000000Z ` (GitHub Actions, GitLab, Buildkite) and
/// `2024-01-01 00:00:00 ` style stamps at the very start of a line.
fn strip_timestamp(line: &str) -> &str {
    let bytes = line.as_bytes();
    let date_like = bytes.len() >= 20
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && (bytes[10] == b'T' || bytes[10] == b' ')
        && bytes[13] == b':'
        && bytes[16] == b':';
    if !date_like {
        return line;
    }
    let end = bytes[19..]
        .iter()
        .position(|b| b.is_ascii_whitespace())
        .map_or(bytes.len(), |offset| offset + 19);
    let stamp = &bytes[19..end];
    let stamp_ok = stamp
        .iter()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'Z' | b'+' | b'-' | b':'));
    if !stamp_ok {
        return line;
    }
    let after = &line[end..];
    after.strip_prefix(' ').unwrap_or(after)
}

/// `[01:26:07] ` (Travis, rust's own CI) before a line.
fn strip_clock(line: &str) -> &str {
    let bytes = line.as_bytes();
    let clock = bytes.len() >= 10
        && bytes[0] == b'['
        && bytes[9] == b']'
        && bytes[3] == b':'
        && bytes[6] == b':'
        && [1, 2, 4, 5, 7, 8]
            .iter()
            .all(|&i| bytes[i].is_ascii_digit());
    if !clock {
        return line;
    }
    let after = &line[10..];
    after.strip_prefix(' ').unwrap_or(after)
}

/// Docker's plain progress without the step number: `318.7 ` seconds
/// elapsed, then the line (indentation kept).
fn strip_elapsed(line: &str) -> &str {
    let whole = line.bytes().take_while(u8::is_ascii_digit).count();
    if whole == 0 || whole > 5 || line.as_bytes().get(whole) != Some(&b'.') {
        return line;
    }
    let rest = &line[whole + 1..];
    let fraction = rest.bytes().take_while(u8::is_ascii_digit).count();
    if fraction == 0 || fraction > 3 {
        return line;
    }
    match rest[fraction..].strip_prefix(' ') {
        Some(after) if !after.starts_with(|c: char| c.is_ascii_digit()) => after,
        _ => line,
    }
}

/// Nix and other build drivers prefix each line with the package: `hello> `.
fn strip_name_prompt(line: &str) -> &str {
    let name_len = line
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'+'))
        .count();
    if name_len == 0
        || name_len > 64
        || !line[..name_len].starts_with(|c: char| c.is_ascii_alphabetic())
    {
        return line;
    }
    match line[name_len..].strip_prefix("> ") {
        Some(after) => after,
        None => line,
    }
}

/// A bracketed tag before the line: cross-rs's `[cross] `, task runners'
/// `[build:release   ] ` (npm-run-all, concurrently, turbo), `[app 2/3] `.
/// The tag is one short run of names, digits and padding; a line that is
/// only a tag (`[dependencies]`) or a markdown link (`[x](…)`) is kept.
fn strip_task_tag(line: &str) -> &str {
    let Some(rest) = line.strip_prefix('[') else {
        return line;
    };
    let Some(close) = rest.find(']') else {
        return line;
    };
    let tag = &rest[..close];
    let tag_ok = (1..=48).contains(&tag.len())
        && tag.starts_with(|c: char| c.is_ascii_alphabetic())
        && tag.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b' ' | b':' | b'-' | b'_' | b'.' | b'/' | b'@')
        });
    match rest[close + 1..].strip_prefix(' ') {
        Some(after) if tag_ok && !after.trim().is_empty() => after,
        // An empty line of a task runner's output keeps its tag and the
        // space: `[build:release   ] `. Only tags shaped like a runner's
        // (padding, `:`, `/`, `@`) go, so `[dependencies] ` stays.
        Some(after) if tag_ok && tag.contains([' ', ':', '/', '@']) => after,
        _ => line,
    }
}

/// A timestamp in brackets (Jenkins' timestamper, Buildkite, many log
/// shippers): `[2024-01-01T00:00:00.000Z] `, `[12:34:56.789] `,
/// `[2024-01-01 00:00:00] `. Only digits and the stamp's punctuation may be
/// inside, and at least one `:`, so `[0/1]` or `[1]` stay.
fn strip_bracketed_stamp(line: &str) -> &str {
    let Some(rest) = line.strip_prefix('[') else {
        return line;
    };
    let Some(close) = rest.find(']') else {
        return line;
    };
    let stamp = &rest[..close];
    let stamp_ok = (5..=40).contains(&stamp.len())
        && stamp.starts_with(|c: char| c.is_ascii_digit())
        && stamp.contains(':')
        && stamp.bytes().all(|b| {
            b.is_ascii_digit() || matches!(b, b'-' | b':' | b'.' | b'T' | b'Z' | b'+' | b' ' | b',')
        });
    match rest[close + 1..].strip_prefix(' ') {
        Some(after) if stamp_ok => after,
        _ => line,
    }
}

/// Words that tools relaying a build's output put before each line:
/// `remote: ` (a build run by a git push, e.g. on a PaaS), `npm ERR! ` and
/// `npm error ` (napi-rs, neon and other packages that build Rust in an npm
/// install script).
fn strip_relay_word(line: &str) -> &str {
    for word in ["remote: ", "npm ERR! ", "npm error ", "npm warn "] {
        if let Some(after) = line.strip_prefix(word) {
            return after;
        }
    }
    line
}

/// docker compose (`api-1  | `, `web_1  | `) and Earthly (`+build | `) put
/// the service or target name and a bar before each line. rustc's own
/// snippet gutters (`12 |`, `   |`) start with digits or spaces, so they are
/// not taken.
fn strip_service_bar(line: &str) -> &str {
    let name_len = line
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'+' | b'/'))
        .count();
    if name_len == 0
        || name_len > 64
        || !line[..name_len].starts_with(|c: char| c.is_ascii_alphabetic() || c == '+')
    {
        return line;
    }
    let after_name = &line[name_len..];
    let pad = after_name.bytes().take_while(|b| *b == b' ').count();
    if pad == 0 {
        return line;
    }
    match after_name[pad..].strip_prefix('|') {
        Some(after) if after.is_empty() => after,
        Some(after) => after.strip_prefix(' ').unwrap_or(after),
        None => line,
    }
}

/// `gh run view --log` and the raw logs GitHub offers for download put the
/// job and the step before the timestamp, separated by tabs:
/// `build\tRun cargo build\t2024-01-01T00:00:00.0000000Z error: …`.
fn strip_run_log_columns(line: &str) -> &str {
    let mut fields = line.splitn(3, '\t');
    let (Some(job), Some(step), Some(rest)) = (fields.next(), fields.next(), fields.next()) else {
        return line;
    };
    let short = |field: &str| !field.is_empty() && field.len() <= 120 && !field.starts_with(' ');
    if short(job) && short(step) && strip_timestamp(rest).len() < rest.len() {
        strip_timestamp(rest)
    } else {
        line
    }
}

/// GitHub Actions' `##[error]`, `##[warning]`, `##[group]` … and the
/// `::error file=…::` workflow command form.
fn strip_workflow_command(line: &str) -> &str {
    if let Some(rest) = line.strip_prefix("##[")
        && let Some(close) = rest.find(']')
        && rest[..close].bytes().all(|b| b.is_ascii_alphabetic())
    {
        return &rest[close + 1..];
    }
    if let Some(rest) = line.strip_prefix("::")
        && let Some(close) = rest.find("::")
        && rest[..close]
            .split([' ', ','])
            .next()
            .is_some_and(|command| matches!(command, "error" | "warning" | "notice" | "debug"))
    {
        return &rest[close + 2..];
    }
    line
}

/// Docker BuildKit prints `#12 3.456 ` before every line of a `RUN` step.
fn strip_docker_step(line: &str) -> &str {
    let Some(rest) = line.strip_prefix('#') else {
        return line;
    };
    let step_len = rest.bytes().take_while(u8::is_ascii_digit).count();
    if step_len == 0 || rest.as_bytes().get(step_len) != Some(&b' ') {
        return line;
    }
    let rest = &rest[step_len + 1..];
    let time_len = rest
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'.')
        .count();
    if time_len == 0 || !rest[..time_len].contains('.') {
        return line;
    }
    match rest.as_bytes().get(time_len) {
        Some(b' ') => &rest[time_len + 1..],
        None => "",
        Some(_) => line,
    }
}

/// The part of a line that carries meaning: without indentation and
/// without the quoting that issue threads and rustc add (`>`, `|`, `=`).
pub(crate) fn content_of(text: &str) -> &str {
    let mut rest = text.trim_start();
    loop {
        let Some(first) = rest.chars().next() else {
            return rest;
        };
        // `│` is the bar pip and pnpm draw beside a subprocess's output.
        if !matches!(first, '>' | '|' | '=' | '│') {
            return strip_inline_markup(rest);
        }
        let after = &rest[first.len_utf8()..];
        if after.is_empty() || after.starts_with([' ', '\t']) {
            rest = after.trim_start();
        } else if first == '>' && after.starts_with('>') {
            // Nested markdown quotes: `>> text`.
            rest = after;
        } else {
            return rest;
        }
    }
}

/// A pasted line wrapped in markdown code or emphasis (`` `error: …` ``,
/// `*rust-lld: error: …*`): the marker goes when a tool's `word:` or
/// `error[…]` follows it, and its closing twin at the end goes with it.
fn strip_inline_markup(text: &str) -> &str {
    let Some(marker) = text
        .chars()
        .next()
        .filter(|c| matches!(c, '`' | '*' | '_' | '\''))
    else {
        return text;
    };
    let inner = &text[1..];
    let head_len = inner
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'+' | b'/'))
        .count();
    let tool_word = head_len > 0 && matches!(inner.as_bytes().get(head_len), Some(b':' | b'['));
    if !tool_word {
        return text;
    }
    inner.strip_suffix(marker).unwrap_or(inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_colour_hyperlinks_and_crlf() {
        let raw = b"\x1b[1m\x1b[31merror\x1b[0m: \x1b]8;;file:///x\x1b\\link\x1b]8;;\x1b\\ here\r";
        assert_eq!(clean_line(raw), "error: link here");
    }

    #[test]
    fn removes_colour_whose_escape_byte_was_lost_or_written_out() {
        for raw in [
            "[0m[1m[38;5;9merror[0m[0m[1m: linking failed[0m",
            "[01;31m[Kerror:[m[K linking failed",
            "\\x1b[31merror\\x1b[0m: linking failed",
            "\\u001b[1m\\u001b[31merror\\u001b[0m: linking failed",
            "\\033[31merror\\033[0m: linking failed",
            "^[[31merror^[[0m: linking failed",
            "\\e[1;31merror\\e[0m: linking failed",
        ] {
            assert_eq!(clean_line(raw.as_bytes()), "error: linking failed", "{raw}");
        }
        // Brackets in ordinary text are not colour.
        for raw in ["see [m]ajor and [K]eep", "a[5] = 3", "[1/3] Building"] {
            assert_eq!(clean_line(raw.as_bytes()), raw);
        }
    }

    #[test]
    fn keeps_what_a_progress_bar_left_visible() {
        let raw = b"    Building [=====>   ] 12/40: foo\r\x1b[Kerror: linking failed";
        assert_eq!(clean_line(raw), "error: linking failed");
    }

    #[test]
    fn strips_stacked_ci_prefixes() {
        let raw = b"2024-01-01T00:00:00.0000000Z ##[error]  error: could not compile `x`";
        assert_eq!(clean_line(raw), "  error: could not compile `x`");
        assert_eq!(clean_line(b"#12 3.456   --- stderr"), "  --- stderr");
        assert_eq!(
            clean_line(b"[cross] warning: using newer rustc"),
            "warning: using newer rustc"
        );
        assert_eq!(
            clean_line(b"::error file=src/main.rs,line=1::linker `cc` not found"),
            "linker `cc` not found"
        );
    }

    #[test]
    fn strips_clock_elapsed_and_package_prefixes() {
        assert_eq!(clean_line(b"[01:26:07] error: x"), "error: x");
        assert_eq!(
            clean_line(b"318.7           /usr/bin/ld: y"),
            "          /usr/bin/ld: y"
        );
        assert_eq!(
            clean_line(b"hello-1.0> error: linker `cc` not found"),
            "error: linker `cc` not found"
        );
        assert_eq!(clean_line(b"1.2.3 is a version"), "1.2.3 is a version");
        assert_eq!(clean_line(b"a > b"), "a > b");
        assert_eq!(
            clean_line(b"[build:release   ] error: linker `cc` not found"),
            "error: linker `cc` not found"
        );
        assert_eq!(clean_line(b"[api 2/3] error: x"), "error: x");
        assert_eq!(clean_line(b"[dependencies]"), "[dependencies]");
        assert_eq!(clean_line(b"[build:release   ] "), "");
        assert_eq!(clean_line(b"[dependencies] "), "[dependencies] ");
        assert_eq!(clean_line(b"[x](http://a) b"), "[x](http://a) b");
        assert_eq!(clean_line(b"[0/1] done"), "[0/1] done");
    }

    #[test]
    fn strips_bracketed_stamps_relay_words_service_bars_and_run_log_columns() {
        assert_eq!(
            clean_line(b"[2024-01-01T00:00:00.123Z] error: linker `cc` not found"),
            "error: linker `cc` not found"
        );
        assert_eq!(clean_line(b"[12:34:56.789]   = note: x"), "  = note: x");
        assert_eq!(
            clean_line(b"[2024-01-01 10:00:00] /usr/bin/ld: y"),
            "/usr/bin/ld: y"
        );
        assert_eq!(clean_line(b"[1] done"), "[1] done");
        assert_eq!(clean_line(b"[0/1] done"), "[0/1] done");
        assert_eq!(
            clean_line(b"remote:        error: failed to run custom build command"),
            "       error: failed to run custom build command"
        );
        assert_eq!(
            clean_line(b"npm ERR! error: linker `cc` not found"),
            "error: linker `cc` not found"
        );
        assert_eq!(
            clean_line(b"api-1  |   = note: /usr/bin/ld: z"),
            "  = note: /usr/bin/ld: z"
        );
        assert_eq!(clean_line(b"web_1    | error: x"), "error: x");
        assert_eq!(clean_line(b"+build | error: x"), "error: x");
        assert_eq!(clean_line(b"12 |     let x = 1;"), "12 |     let x = 1;");
        assert_eq!(clean_line(b"   |"), "   |");
        assert_eq!(
            clean_line(b"build\tRun cargo build\t2024-01-01T00:00:00.0000000Z error: x"),
            "error: x"
        );
        assert_eq!(clean_line(b"a\tb\tc"), "a\tb\tc");
    }

    #[test]
    fn content_drops_box_bars_of_pip_and_pnpm() {
        assert_eq!(
            content_of("  │ error: linker `cc` not found"),
            "error: linker `cc` not found"
        );
        assert_eq!(content_of("│"), "");
    }

    #[test]
    fn content_drops_markdown_wrapping_of_a_pasted_line() {
        assert_eq!(
            content_of("`error: linker `cc` not found"),
            "error: linker `cc` not found"
        );
        assert_eq!(
            content_of("*rust-lld: error: x is incompatible*"),
            "rust-lld: error: x is incompatible"
        );
        assert_eq!(
            content_of("`error[E0463]: can't find crate`"),
            "error[E0463]: can't find crate"
        );
        assert_eq!(content_of("`cc` is the linker"), "`cc` is the linker");
        assert_eq!(content_of("*important* note"), "*important* note");
        assert_eq!(
            content_of("'gcc: error trying to exec 'cc1''"),
            "gcc: error trying to exec 'cc1'"
        );
    }

    #[test]
    fn leaves_ordinary_lines_alone() {
        for line in [
            "#[derive(Debug)]",
            "2024 was a year",
            "##[not closed",
            "  = note: x",
        ] {
            assert_eq!(clean_line(line.as_bytes()), line);
        }
    }

    #[test]
    fn content_drops_indentation_and_quoting() {
        assert_eq!(
            content_of("  = note: /usr/bin/ld: x"),
            "note: /usr/bin/ld: x"
        );
        assert_eq!(content_of("> >  error: x"), "error: x");
        assert_eq!(content_of(">> error: x"), "error: x");
        assert_eq!(content_of("  |"), "");
        assert_eq!(content_of("=> not quoting"), "=> not quoting");
    }

    #[test]
    fn invalid_utf8_is_read_lossily() {
        assert_eq!(
            clean_line(b"error: \xff\xfe bad"),
            "error: \u{fffd}\u{fffd} bad"
        );
    }
}
