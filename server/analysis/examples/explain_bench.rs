//! Benchmark for `explain`: how long reading and classifying a large build
//! log takes on one core. Numbers go to docs/performance.md; nothing asserts
//! a time.
//!
//! ```text
//! cargo run --release -p crossport-analysis --example explain_bench -- [MEGABYTES] [--write FILE] [--read FILE]
//! ```
//!
//! The log is generated: a long, noisy, partly JSON build of many crates
//! (warnings with source snippets, build-script output, artifacts) with a
//! real cross-build failure near the end, so every rule's triggers run over
//! every line. `--write FILE` also saves it, to time `grep -E` on the same
//! bytes for comparison.

use std::time::{Duration, Instant};

use crossport_analysis::explain::explain_log;
use crossport_formats::cargo_log;

fn main() {
    let mut megabytes = 10usize;
    let mut write_to = None;
    let mut read_from = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--write" => write_to = args.next(),
            "--read" => read_from = args.next(),
            other => megabytes = other.parse().unwrap_or(megabytes),
        }
    }
    let log = match &read_from {
        Some(path) => match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(err) => {
                eprintln!("could not read {path}: {err}");
                return;
            }
        },
        None => generate_log(megabytes * 1024 * 1024),
    };
    if let Some(path) = &write_to
        && let Err(err) = std::fs::write(path, &log)
    {
        eprintln!("could not write {path}: {err}");
    }
    let mut read_times = Vec::new();
    let mut total_times = Vec::new();
    let mut kinds: Vec<(&str, usize)> = Vec::new();
    for _ in 0..7 {
        let start = Instant::now();
        let parsed = cargo_log::read(&log);
        let read = start.elapsed();
        let findings = explain_log(&parsed, None);
        total_times.push(start.elapsed());
        read_times.push(read);
        kinds = Vec::new();
        for finding in &findings {
            match kinds
                .iter_mut()
                .find(|(kind, _)| *kind == finding.kind.as_str())
            {
                Some((_, count)) => *count += 1,
                None => kinds.push((finding.kind.as_str(), 1)),
            }
        }
    }
    let parsed = cargo_log::read(&log);
    let start = Instant::now();
    let cx = crossport_analysis::rules::Context::new(&parsed, None);
    let target_time = start.elapsed();
    let start = Instant::now();
    let hits = crossport_analysis::rules::triggered_lines(&cx);
    let trigger_time = start.elapsed();
    println!(
        "breakdown: target detection {target_time:?}, trigger scan {trigger_time:?} ({} triggered lines)",
        hits.iter().map(Vec::len).sum::<usize>()
    );
    // The rules' own checks on their triggered lines, slowest first.
    let mut checks: Vec<(std::time::Duration, &str, usize)> = crossport_analysis::rules::RULES
        .iter()
        .zip(&hits)
        .filter(|(_, lines)| !lines.is_empty())
        .map(|(rule, lines)| {
            let start = Instant::now();
            let _ = (rule.check)(&cx, lines);
            (start.elapsed(), rule.kind.as_str(), lines.len())
        })
        .collect();
    checks.sort_by_key(|check| std::cmp::Reverse(check.0));
    let slowest: Vec<String> = checks
        .iter()
        .take(5)
        .map(|(time, kind, lines)| format!("{kind} {time:?} ({lines} lines)"))
        .collect();
    println!("slowest checks: {}", slowest.join(", "));
    let lines = log.iter().filter(|b| **b == b'\n').count();
    println!(
        "{:.1} MB, {lines} lines: read median {:?}, read+explain median {:?} (min {:?}), findings (kind, count) {kinds:?}",
        log.len() as f64 / (1024.0 * 1024.0),
        median(&mut read_times),
        median(&mut total_times.clone()),
        total_times.iter().min().copied().unwrap_or_default(),
    );
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// A deterministic noisy build log of about `size` bytes.
fn generate_log(size: usize) -> Vec<u8> {
    let mut out = String::with_capacity(size + 4096);
    let mut n = 0u64;
    while out.len() < size {
        n += 1;
        match n % 8 {
            0 => out.push_str(&format!(
                "{{\"reason\":\"compiler-artifact\",\"package_id\":\"registry+https://github.com/rust-lang/crates.io-index#dep-{n}@1.{n}.0\",\"target\":{{\"kind\":[\"lib\"],\"name\":\"dep_{n}\"}},\"filenames\":[\"/w/target/aarch64-unknown-linux-gnu/debug/deps/libdep_{n}-{n:x}.rlib\"],\"fresh\":false}}\n"
            )),
            1 => out.push_str(&format!(
                "{{\"reason\":\"compiler-message\",\"package_id\":\"path+file:///w/app#0.1.{n}\",\"message\":{{\"rendered\":\"warning: unused variable: `x{n}`\\n --> src/lib.rs:{n}:9\\n  |\\n{n} |     let x{n} = 1;\\n  |         ^^ help: prefix it with an underscore\\n\\n\",\"level\":\"warning\"}}}}\n"
            )),
            2 => out.push_str(&format!("\u{1b}[1m\u{1b}[32m   Compiling\u{1b}[0m crate-{n} v0.{n}.0\n")),
            3 => out.push_str(&format!(
                "2024-01-01T00:00:{:02}.0000000Z warning: field `f{n}` is never read\n  --> src/model.rs:{n}:5\n   |\n{n:>3} |     f{n}: u32,\n   |     ^^\n",
                n % 60
            )),
            4 => out.push_str(&format!(
                "  cargo:rerun-if-env-changed=CC_aarch64-unknown-linux-gnu\n  CC_aarch64-unknown-linux-gnu = None\n  cargo:rustc-link-search=native=/w/target/aarch64-unknown-linux-gnu/debug/build/x-{n:x}/out\n"
            )),
            5 => out.push_str("    Building [=======>                 ] 120/410: serde, tokio, hyper\r\n"),
            6 => out.push_str(&format!("   = note: `#[warn(dead_code)]` on by default in item {n}\n")),
            _ => out.push_str(&format!("warning: `app` (lib) generated {n} warnings\n")),
        }
    }
    out.push_str(
        "error: linking with `cc` failed: exit status: 1
  |
  = note: \"cc\" \"/w/target/aarch64-unknown-linux-gnu/debug/deps/app-1.app.2-cgu.0.rcgu.o\" \"-lssl\"
  = note: /usr/bin/ld: skipping incompatible /usr/lib/x86_64-linux-gnu/libssl.so when searching for -lssl
          /usr/bin/ld: /w/target/aarch64-unknown-linux-gnu/debug/deps/app-1.app.2-cgu.0.rcgu.o: Relocations in generic ELF (EM: 183)
          collect2: error: ld returned 1 exit status

error: could not compile `app` (bin \"app\") due to 1 previous error
",
    );
    out.into_bytes()
}
