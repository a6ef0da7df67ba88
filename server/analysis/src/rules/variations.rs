//! One small, hand-written input per variation of wording and decoration
//! that the rules must see through (issue #13): the same failure with other
//! quotes, prefixes, older or newer wordings, full paths and excerpts.

use super::testing::{explain, fact, first_of_kind};
use crate::finding::Kind;

fn first_kind(log: &str) -> Option<Kind> {
    explain(log).first().map(|finding| finding.kind)
}

#[test]
fn a_paste_wrapped_in_backticks() {
    let log = "`error: linker `link.exe` not found\n  |\n  = note: program not found\n";
    assert_eq!(first_kind(log), Some(Kind::LinkerNotFound));
}

#[test]
fn build_driver_package_prefix_and_clock() {
    let log = "myapp-0.1.0> error: linker `aarch64-linux-gnu-gcc` not found\n";
    assert_eq!(first_kind(log), Some(Kind::LinkerNotFound));
    let log = "[00:12:01] error: linker `cc` not found\n";
    assert_eq!(first_kind(log), Some(Kind::LinkerNotFound));
}

#[test]
fn e0463_with_straight_quotes_and_no_backticks_around_the_target() {
    let log = "error[E0463]: can't find crate for 'core' ... the thumbv6m-none-eabi target may not be installed\n";
    let finding = first_of_kind(log, Kind::TargetNotInstalled);
    assert_eq!(finding.target.as_deref(), Some("thumbv6m-none-eabi"));
}

#[test]
fn oldest_cc_rs_wording_without_question_mark() {
    let log = "Failed to find tool. Is `arm-linux-gnueabihf-gcc` installed\n";
    let finding = first_of_kind(log, Kind::CcToolNotFound);
    assert_eq!(fact(&finding, "tool"), Some("arm-linux-gnueabihf-gcc"));
}

#[test]
fn gcc_driver_without_its_linker() {
    let log = "error: linking with cc failed: fatal error: cannot find 'ld'\n";
    assert_eq!(first_kind(log), Some(Kind::LinkerNotFound));
}

#[test]
fn perl_that_writes_the_wrong_kind_of_paths() {
    let log = "  running \"perl\" \"./Configure\" \"VC-WIN64A\"
  This perl implementation doesn't produce Windows like paths (with backward
  slash directory separators).  Please use an implementation that matches your
";
    assert_eq!(first_kind(log), Some(Kind::VendoredOpensslPerl));
}

#[test]
fn a_perl_module_missing_on_the_line_that_names_the_openssl_build() {
    let log = "Can't locate IPC/Cmd.pm in @INC (@INC contains: /w/target/release/build/openssl-sys-1/out/openssl-build/build/src/util/perl /usr/share/perl5)\n";
    assert_eq!(first_kind(log), Some(Kind::VendoredOpensslPerl));
}

#[test]
fn openssl_probe_excerpt_of_env_lines_only() {
    let log = "  cargo:rerun-if-env-changed=ARMV7_UNKNOWN_LINUX_GNUEABIHF_OPENSSL_LIB_DIR
  ARMV7_UNKNOWN_LINUX_GNUEABIHF_OPENSSL_LIB_DIR unset
  cargo:rerun-if-env-changed=OPENSSL_DIR
  OPENSSL_DIR unset
";
    assert_eq!(first_kind(log), Some(Kind::OpensslNotFound));
}

#[test]
fn env_lines_of_a_vendored_build_that_failed_elsewhere_are_not_openssl_not_found() {
    let log = "  OPENSSL_DIR unset
  error occurred in cc-rs: failed to find tool \"aarch64-linux-musl-gcc\": No such file or directory (os error 2)
";
    assert_eq!(first_kind(log), Some(Kind::CcToolNotFound));
}

#[test]
fn c_objects_of_another_arch_inside_an_rlib() {
    let log = "  ld.lld: error: /w/target/aarch64-linux-android/debug/deps/libfoo_sys-1a2b.rlib(bio.c.o) is incompatible with aarch64linux\n";
    assert_eq!(first_kind(log), Some(Kind::WrongArchLibrary));
    let log = "/usr/bin/aarch64-linux-gnu-ld: /w/target/aarch64-unknown-linux-gnu/release/deps/libbar_sys-9.rlib(x.o): Relocations in generic ELF (EM: 62)\n";
    assert_eq!(first_kind(log), Some(Kind::WrongArchLibrary));
}

#[test]
fn relocations_on_a_c_object_name_the_linker_that_read_it() {
    let host = "/usr/bin/ld: build/obj/main.o: Relocations in generic ELF (EM: 183)\ncollect2: error: ld returned 1 exit status\n";
    assert_eq!(first_kind(host), Some(Kind::HostLinkerUsed));
    let cross = "/usr/lib/gcc-cross/aarch64-linux-gnu/12/../../../../aarch64-linux-gnu/bin/ld: obj/kernel.o: Relocations in generic ELF (EM: 62)\n";
    assert_eq!(first_kind(cross), Some(Kind::WrongArchLibrary));
}

#[test]
fn musl_static_link_missing_openssl_symbols_from_a_sys_crate() {
    let log = "  /usr/bin/ld: /w/target/x86_64-unknown-linux-musl/release/deps/libfoo_sys-3.rlib(tls.o): in function `tls_init':
  tls.c:(.text+0x12): undefined reference to `SSL_CTX_new'
  tls.c:(.text+0x20): undefined reference to `SSL_CTX_free'
";
    let finding = first_of_kind(log, Kind::MuslStatic);
    assert_eq!(fact(&finding, "symbol"), Some("SSL_CTX_new"));
}

#[test]
fn an_openssl_symbol_in_a_dynamic_link_is_not_musl_static() {
    let log = "main.c:(.text+0x12): undefined reference to `SSL_CTX_new'\n";
    assert_ne!(first_kind(log), Some(Kind::MuslStatic));
}

#[test]
fn unwind_symbols_missing_at_load_time_are_libgcc_s_not_installed() {
    let log = "Error loading shared library libgcc_s.so.1: No such file or directory (needed by /opt/tool/lib/libfoo.so)
Error relocating /opt/tool/lib/libfoo.so: _Unwind_Resume: symbol not found
";
    assert_eq!(first_kind(log), Some(Kind::RuntimeMissingSharedLib));
}

#[test]
fn a_compiler_error_relayed_by_cargo_warning_is_a_failure() {
    let log = "warning: cc: error: vendor/src/a.c: No such file or directory\nwarning: cc: fatal error: no input files\n";
    let finding = first_of_kind(log, Kind::UnrecognisedFailure);
    assert!(
        finding.message.contains("vendor/src/a.c"),
        "{}",
        finding.message
    );
}

#[test]
fn make_and_signal_failures_are_failures() {
    for log in [
        "*** Signal 9\n",
        "make[2]: *** [Makefile:12: all] Error 1\n",
        "C compiler test failed.\n",
    ] {
        assert_eq!(first_kind(log), Some(Kind::UnrecognisedFailure), "{log}");
    }
}

#[test]
fn lld_with_a_dotted_version_rejects_a_gcc_option() {
    let log = "ld.lld-14.0: error: unknown argument: -nodefaultlibs\n";
    assert_eq!(first_kind(log), Some(Kind::WrongLinkerFlavor));
}

#[test]
fn lld_link_given_a_unix_command_line() {
    let log = "  = note: lld-link: warning: ignoring unknown argument '-flavor'\n          lld-link: error: could not open 'gnu': No such file or directory\n";
    assert_eq!(first_kind(log), Some(Kind::WrongLinkerFlavor));
}

#[test]
fn msvc_link_cannot_open_a_library() {
    let log = "note: LINK : fatal error LNK1181: cannot open input file 'zlib.lib'\n";
    let finding = first_of_kind(log, Kind::MissingLibraryAtLink);
    assert_eq!(fact(&finding, "library"), Some("zlib.lib"));
}

#[test]
fn a_compiler_line_quoted_in_straight_quotes() {
    let log = "'aarch64-linux-gnu-gcc: error trying to exec 'cc1plus': execvp: No such file or directory'\n";
    assert_eq!(first_kind(log), Some(Kind::CcToolchainBroken));
}

#[test]
fn pkg_config_newest_wording_and_a_probe_cut_short() {
    let log =
        "error: could not find system library 'libudev' required by the 'libudev-sys' crate\n";
    assert_eq!(first_kind(log), Some(Kind::PkgConfigCross));
    let excerpt = "  cargo:rerun-if-env-changed=PKG_CONFIG_ALLOW_CROSS_riscv64gc-unknown-linux-gnu
  cargo:rerun-if-env-changed=PKG_CONFIG_ALLOW_CROSS
  cargo:rerun-if-env-changed=PKG_CONFIG_SYSROOT_DIR
";
    assert_eq!(first_kind(excerpt), Some(Kind::PkgConfigCross));
}

#[test]
fn zig_and_glibc_versions() {
    // A fallback warning alone is no failure; with a failed link it is zig's.
    let log = "warning: zig cannot build new glibc version 2.39; providing instead 2.38\n";
    assert_eq!(first_kind(log), None);
    let log = "warning: zig cannot build new glibc version 2.39; providing instead 2.38\nerror: linking with `cc` failed: exit status: 1\n";
    assert_eq!(first_kind(log), Some(Kind::ZigbuildError));
    let log = "Unrecognized glibc version: 2.40.0\n";
    assert_eq!(first_kind(log), Some(Kind::ZigbuildError));
}

#[test]
fn only_the_zigcc_link_header_survived() {
    let log = "error: linking with `/home/u/.cache/cargo-zigbuild/0.19.0/zigcc-x86_64-unknown-linux-gnu.sh` failed: exit status: 1\n";
    assert_eq!(first_kind(log), Some(Kind::ZigbuildError));
}

#[test]
fn msvc_style_errors_and_exec_format_are_failures() {
    for log in [
        "src\\main.c(3): error C2065: 'x': undeclared identifier\n",
        "/w/target/debug/build/x/out/gen: cannot execute binary file: Exec format error\n",
    ] {
        assert!(!explain(log).is_empty(), "{log}");
    }
}

/// One line per kind that names its failure on its own, each wrapped in every
/// decoration a captured log adds (CI stamps, docker steps, nix prompts, task
/// tags, colour, markdown quoting, indentation, CRLF): the kind must not
/// depend on how the line was captured.
#[test]
fn every_decoration_leaves_the_kind_alone() {
    let failures = [
        (
            "error: linker `aarch64-linux-gnu-gcc` not found",
            Kind::LinkerNotFound,
        ),
        (
            "error[E0463]: can't find crate for `std`",
            Kind::TargetNotInstalled,
        ),
        (
            "/usr/bin/ld: cannot find -lsqlite3: No such file or directory",
            Kind::MissingLibraryAtLink,
        ),
        (
            "./app: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.34' not found (required by ./app)",
            Kind::GlibcTooNew,
        ),
        (
            "./app: error while loading shared libraries: libssl.so.3: cannot open shared object file: No such file or directory",
            Kind::RuntimeMissingSharedLib,
        ),
        (
            "src/lib.c:1:10: fatal error: openssl/ssl.h: No such file or directory",
            Kind::MissingHeader,
        ),
    ];
    let decorations: [fn(&str) -> String; 17] = [
        |line| line.to_owned(),
        |line| format!("2024-03-01T10:00:00.1234567Z {line}"),
        |line| format!("#14 12.34 {line}"),
        |line| format!("app-0.1.0> {line}"),
        |line| format!("[build:release   ] {line}"),
        |line| format!("[01:02:03] {line}"),
        |line| format!("\u{1b}[1m\u{1b}[31m{line}\u{1b}[0m"),
        |line| format!("> {line}"),
        |line| format!("    {line}\r"),
        |line| format!("##[error]{line}"),
        |line| format!("[2024-03-01T10:00:00.123Z] {line}"),
        |line| format!("remote:        {line}"),
        |line| format!("npm ERR! {line}"),
        |line| format!("api-1  | {line}"),
        |line| format!("build\tRun cargo build\t2024-03-01T10:00:00.1234567Z {line}"),
        |line| format!("      │ {line}"),
        |line| format!("| {line}\r"),
    ];
    for (line, kind) in failures {
        for decorate in decorations {
            let log = format!("{}\n", decorate(line));
            assert_eq!(first_kind(&log), Some(kind), "{log:?}");
        }
    }
}

/// The whole logs in fixtures/logs, in name order.
fn fixture_logs() -> Vec<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/logs");
    let mut logs: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures/logs")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "log"))
        .collect();
    logs.sort();
    logs
}

/// Every whole log in fixtures/logs, each of its lines wrapped the same way
/// a capturing tool wraps them: the first finding's kind, target and facts
/// must be what the bare log gives. One-line tests above cannot show this,
/// since most rules find their key line anywhere; the multi-line structure
/// (build-script blocks, link notes, JSON messages) is what prefixes break.
#[test]
fn whole_fixture_logs_survive_every_line_prefix() {
    let prefixes = [
        "2024-03-01T10:00:00.1234567Z ",
        "#14 12.34 ",
        "app-0.1.0> ",
        "[build:release   ] ",
        "[2024-03-01T10:00:00.123Z] ",
        "remote: ",
        "api-1  | ",
        "build\tRun cargo build\t2024-03-01T10:00:00.1234567Z ",
        "npm ERR! ",
        "[01:02:03] ",
        // Quoting bars (Yocto's `| `, pip's and pnpm's `│ `) come last in a
        // real line, after any stamp, and never wrap JSON: they are only
        // tried on logs without either (below).
        "| ",
        "      │ ",
    ];
    let logs = fixture_logs();
    assert!(logs.len() > 50, "fixture logs: {}", logs.len());
    let mut failures = Vec::new();
    for path in &logs {
        let bare = std::fs::read(path).expect("log");
        let bare = String::from_utf8_lossy(&bare);
        let expected = explain(&bare).into_iter().next();
        let stamped_or_json = bare.lines().any(|line| {
            line.starts_with('{')
                || line
                    .get(..4)
                    .is_some_and(|year| year.bytes().all(|b| b.is_ascii_digit()))
        });
        for prefix in prefixes {
            if stamped_or_json && prefix.trim_start().starts_with(['|', '│']) {
                continue;
            }
            let wrapped: String = bare
                .lines()
                .map(|line| format!("{prefix}{line}\n"))
                .collect();
            let got = explain(&wrapped).into_iter().next();
            let same = match (&expected, &got) {
                (Some(a), Some(b)) => {
                    a.kind == b.kind && a.target == b.target && a.facts == b.facts
                }
                (None, None) => true,
                _ => false,
            };
            if !same {
                failures.push(format!(
                    "{} with {prefix:?}: {:?} -> {:?}",
                    path.file_name().unwrap().to_string_lossy(),
                    expected.as_ref().map(|f| (f.kind, &f.target, &f.facts)),
                    got.as_ref().map(|f| (f.kind, &f.target, &f.facts)),
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A user often pastes only the lines that say what failed. For every
/// fixture log, some window of at most three consecutive lines inside the
/// evidence of its first finding must, on its own, give that finding's
/// kind: the rule must not need cargo's surrounding text to know the
/// failure.
#[test]
fn a_three_line_excerpt_of_the_evidence_keeps_the_kind() {
    let logs = fixture_logs();
    let mut failures = Vec::new();
    let mut checked = 0;
    for path in &logs {
        let bare = std::fs::read(path).expect("log");
        let bare = String::from_utf8_lossy(&bare);
        let Some(expected) = explain(&bare).into_iter().next() else {
            continue;
        };
        let Some([first, last]) = expected.evidence.lines else {
            continue;
        };
        checked += 1;
        let lines: Vec<&str> = bare.lines().collect();
        let (first, last) = (first as usize - 1, (last as usize).min(lines.len()));
        let found = (first..last).any(|start| {
            (1..=3).any(|len| {
                let end = (start + len).min(last);
                let excerpt: String = lines[start..end].iter().map(|l| format!("{l}\n")).collect();
                first_kind(&excerpt) == Some(expected.kind)
            })
        });
        if !found {
            failures.push(format!(
                "{}: {:?} (evidence lines {}..={})",
                path.file_name().unwrap().to_string_lossy(),
                expected.kind,
                first + 1,
                last
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        checked > 50,
        "only {checked} fixture logs had evidence lines"
    );
}

/// A successful build whose crate names, test names and tool output are
/// full of failure words (error-chain, `permission_denied` tests, `file`
/// and scp output, warnings about errors) has no failure in it.
#[test]
fn a_successful_build_full_of_failure_words_has_no_finding() {
    let log = r#"    Updating crates.io index
  Downloaded thiserror-impl v1.0.69
  Downloaded error-chain v0.12.4
  Downloaded failure v0.1.8
   Compiling proc-macro2 v1.0.92
   Compiling failure_derive v0.1.8
   Compiling error-chain v0.12.4
   Compiling anyhow v1.0.93
     Running `rustc --crate-name failure_derive --edition=2018 /root/.cargo/registry/src/index-6f17d22bba15001f/failure_derive-0.1.8/src/lib.rs --error-format=json --json=diagnostic-rendered-ansi`
warning: unused import: `std::error::Error`
 --> src/main.rs:1:5
  |
1 | use std::error::Error;
  |     ^^^^^^^^^^^^^^^^^
  |
  = note: `#[warn(unused_imports)]` on by default
warning: `app` (bin "app") generated 1 warning (run `cargo fix --bin "app"` to apply 1 suggestion)
   Compiling app v0.1.0 (/work/app)
    Finished `release` profile [optimized] target(s) in 1m 02s
     Running unittests src/main.rs (target/aarch64-unknown-linux-gnu/debug/deps/app-1234)
running 4 tests
test errors::tests::error_display_is_stable ... ok
test errors::tests::not_found_maps_to_404 ... ok
test io::tests::permission_denied_is_reported ... ok
test cli::tests::usage_is_printed_on_bad_args ... ok
test result: ok. 4 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s
   Doc-tests app
running 0 tests
test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s
+ file target/aarch64-unknown-linux-gnu/release/app
target/aarch64-unknown-linux-gnu/release/app: ELF 64-bit LSB pie executable, ARM aarch64, version 1 (SYSV), dynamically linked, interpreter /lib/ld-linux-aarch64.so.1, for GNU/Linux 3.7.0, not stripped
+ scp target/aarch64-unknown-linux-gnu/release/app pi@10.0.0.5:/usr/local/bin/
app                                           100% 4123KB  10.2MB/s   00:00
"#;
    assert_eq!(explain(log), Vec::new());
}

#[test]
fn colour_whose_escape_byte_was_lost_in_the_paste() {
    let log = "[0m[1m[38;5;9merror[0m[0m[1m: linker `aarch64-linux-gnu-gcc` not found[0m\n";
    assert_eq!(first_kind(log), Some(Kind::LinkerNotFound));
}

#[test]
fn colour_escapes_written_out_as_text() {
    let log = "\\x1b[1m\\x1b[31merror\\x1b[0m: linker `cc` not found\n";
    assert_eq!(first_kind(log), Some(Kind::LinkerNotFound));
    let log = "^[[1m^[[31merror^[[0m: linker `cc` not found\n";
    assert_eq!(first_kind(log), Some(Kind::LinkerNotFound));
}

#[test]
fn a_paste_with_line_numbers() {
    let log = "  17 | error: linker `aarch64-linux-gnu-gcc` not found\n  18 |   |\n  19 |   = note: No such file or directory (os error 2)\n";
    assert_eq!(first_kind(log), Some(Kind::LinkerNotFound));
}

#[test]
fn a_missing_header_and_library_under_a_german_locale() {
    let log = "foo.cc:1:10: fatal error: vector: Datei oder Verzeichnis nicht gefunden\n";
    assert_eq!(first_kind(log), Some(Kind::MissingHeader));
    let log = "Error loading shared library libz.so.1: Datei oder Verzeichnis nicht gefunden (needed by ./app)\n";
    assert_eq!(first_kind(log), Some(Kind::RuntimeMissingSharedLib));
}

#[test]
fn exec_format_error_in_french_with_its_parentheses() {
    let log = "error occurred: Command \"aarch64-linux-musl-gcc\" \"-c\" failed to start: Erreur de format pour exec() (os error 8)\n";
    assert_eq!(first_kind(log), Some(Kind::CcToolchainBroken));
}

#[test]
fn cargo_json_messages_mixed_with_build_script_stderr() {
    let log = concat!(
        "{\"reason\":\"compiler-artifact\",\"package_id\":\"x 0.1.0\",\"fresh\":true}\n",
        "warning: build script said hello\n",
        "{\"reason\":\"compiler-message\",\"package_id\":\"app 0.1.0 (path+file:///w)\",\"message\":{\"rendered\":\"error: linker `aarch64-linux-gnu-gcc` not found\\n  |\\n  = note: No such file or directory (os error 2)\\n\\n\",\"level\":\"error\",\"message\":\"linker `aarch64-linux-gnu-gcc` not found\",\"spans\":[],\"children\":[],\"code\":null}}\n",
        "{\"reason\":\"build-finished\",\"success\":false}\n",
    );
    assert_eq!(first_kind(log), Some(Kind::LinkerNotFound));
}

#[test]
fn docker_compose_and_legacy_docker_step_output() {
    let log = "app-1  | error: linker `aarch64-linux-gnu-gcc` not found\napp-1  |   |\napp-1  |   = note: No such file or directory (os error 2)\n";
    assert_eq!(first_kind(log), Some(Kind::LinkerNotFound));
    let log = "Step 5/9 : RUN cargo build --target aarch64-unknown-linux-gnu\n ---> Running in 0a1b2c3d\nerror: linker `aarch64-linux-gnu-gcc` not found\n";
    assert_eq!(first_kind(log), Some(Kind::LinkerNotFound));
    let log = "#12 [builder 4/7] RUN cargo build --release\n#12 3.45 error: linker `aarch64-linux-gnu-gcc` not found\n";
    assert_eq!(first_kind(log), Some(Kind::LinkerNotFound));
    let log = "$ cargo build --target aarch64-unknown-linux-gnu\nerror: linker `aarch64-linux-gnu-gcc` not found\n";
    assert_eq!(first_kind(log), Some(Kind::LinkerNotFound));
}

#[test]
fn an_unknown_failure_under_any_decoration_is_never_empty() {
    for log in [
        "\x1b[0m\x1b[1m\x1b[38;5;9merror\x1b[0m\x1b[1m: the frobnicator broke\x1b[0m\n",
        "[0m[1m[31merror[0m: the frobnicator broke\n",
        "2024-03-01T10:00:00.1234567Z ##[error]Process completed with exit code 101.\n",
        "> error: the frobnicator broke\r\n",
        "    1 | error: the frobnicator broke\n",
        "pkg-1.0> error: the frobnicator broke\n",
    ] {
        let findings = explain(log);
        assert!(!findings.is_empty(), "no finding for {log:?}");
    }
}
