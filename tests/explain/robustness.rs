//! Input no build ever printed: nothing, binary junk, invalid UTF-8, a very
//! large log, one enormous line. explain must not crash and must still say
//! something sensible. The inputs are generated here, not committed.

use crate::support::{crossport, explain_json_stdin, kinds};

/// A small deterministic generator, so failures reproduce.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn empty_input_has_no_findings() {
    assert_eq!(
        explain_json_stdin(b"", &[]),
        serde_json::json!({ "schema_version": 1, "findings": [] })
    );
}

#[test]
fn binary_junk_does_not_crash_either_format() {
    let mut random = XorShift(0x9e37_79b9_7f4a_7c15);
    let junk: Vec<u8> = (0..256 * 1024).map(|_| random.next() as u8).collect();
    let report = explain_json_stdin(&junk, &[]);
    assert!(report["findings"].is_array());
    let human = crossport(&["explain"], &junk);
    assert!(
        human.status.success(),
        "{}",
        String::from_utf8_lossy(&human.stderr)
    );
}

#[test]
fn invalid_utf8_around_a_real_failure_still_finds_it() {
    let mut log = b"\xff\xfe\xc3\x28 garbage \x80\n".to_vec();
    log.extend_from_slice(
        b"error: linker `cc` not found\xff\n  = note: No such file or directory (os error 2)\n",
    );
    log.extend_from_slice(b"\xed\xa0\x80\x1b[31m\x1b]8;;\n");
    let report = explain_json_stdin(&log, &[]);
    assert_eq!(kinds(&report), ["linker_not_found"]);
    assert_eq!(
        report["findings"][0]["evidence"]["lines"],
        serde_json::json!([2, 3])
    );
}

/// A 50 MB log: a long successful build with the real failure at the end.
#[test]
fn fifty_megabyte_log() {
    let mut log = Vec::with_capacity(51 * 1024 * 1024);
    let mut crate_number = 0u64;
    while log.len() < 50 * 1024 * 1024 {
        crate_number += 1;
        log.extend_from_slice(
            format!(
                "   Compiling crate-{crate_number} v0.1.{crate_number} (/w/target/aarch64-unknown-linux-gnu/debug)\n\
                 warning: unused variable: `x{crate_number}`\n  --> src/lib.rs:{crate_number}:9\n"
            )
            .as_bytes(),
        );
    }
    log.extend_from_slice(b"error[E0463]: can't find crate for `core`\n  = note: the `aarch64-unknown-linux-gnu` target may not be installed\n");
    let report = explain_json_stdin(&log, &[]);
    assert_eq!(kinds(&report), ["target_not_installed"]);
    assert_eq!(report["findings"][0]["target"], "aarch64-unknown-linux-gnu");
}

/// One 1 MB line (a linker command line gone wild) before the failure.
#[test]
fn one_megabyte_single_line() {
    let mut log = b"  = note: \"cc\" ".to_vec();
    while log.len() < 1024 * 1024 {
        log.extend_from_slice(b"\"-L\" \"/w/target/x86_64-unknown-linux-musl/debug/deps\" ");
    }
    log.extend_from_slice(
        b"\n  = note: /usr/bin/ld: cannot find -lsqlite3: No such file or directory\n",
    );
    let report = explain_json_stdin(&log, &[]);
    assert_eq!(kinds(&report), ["missing_library_at_link"]);
    let human = crossport(&["explain"], &log);
    assert!(human.status.success());
    let longest = String::from_utf8_lossy(&human.stdout)
        .lines()
        .map(str::len)
        .max()
        .unwrap_or(0);
    assert!(
        longest < 1000,
        "human output quotes long lines shortened, got {longest} bytes"
    );
}

#[test]
fn a_single_line_without_newline_of_junk() {
    let line = vec![b'{'; 1024 * 1024];
    let report = explain_json_stdin(&line, &[]);
    assert_eq!(
        report,
        serde_json::json!({ "schema_version": 1, "findings": [] })
    );
}

/// Thousands of failures in one log (a `--keep-going` build of a large
/// workspace): every rule looks around each hit, which must stay cheap.
#[test]
fn thousands_of_failures() {
    let mut log = String::new();
    for n in 0..2_000 {
        log.push_str(&format!(
            "error: failed to run custom build command for `sys-{n} v0.1.0`\n\nCaused by:\n  process didn't exit successfully: `/w/target/debug/build/sys-{n}-1/build-script-build` (exit status: 1)\n  --- stderr\n  error occurred in cc-rs: failed to find tool \"tool-{n}-gcc\": No such file or directory (os error 2)\n"
        ));
    }
    log.push_str("error: linking with `cc` failed: exit status: 1\n");
    for n in 0..20_000 {
        log.push_str(&format!(
            "  = note: /usr/bin/ld: cannot find -llib{n}: No such file or directory\n"
        ));
        log.push_str(&format!(
            "undefined reference to `__memcpy_chk' in musl-{n}\n"
        ));
    }
    let report = explain_json_stdin(log.as_bytes(), &[]);
    let kinds = kinds(&report);
    assert_eq!(
        kinds
            .iter()
            .filter(|kind| *kind == "cc_tool_not_found")
            .count(),
        2_000
    );
    assert!(kinds.contains(&"missing_library_at_link".to_owned()));
}
