use std::collections::HashMap;
use std::ffi::OsString;
use std::path::Path;

use tokio_util::sync::CancellationToken;

use super::*;

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
    let vars: HashMap<String, OsString> = pairs
        .iter()
        .map(|(name, value)| ((*name).to_owned(), OsString::from(value)))
        .collect();
    move |name| vars.get(name).cloned()
}

fn sh(script: &str) -> CommandLine {
    CommandLine::new("sh", &["-c", script], Path::new("."))
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

#[test]
fn cargo_and_rustc_come_from_the_environment_when_set() {
    let dir = tempfile::tempdir().expect("tempdir");
    let toolchain = Toolchain::for_dir_with(
        dir.path(),
        env(&[
            ("CARGO", "/opt/rust/bin/cargo"),
            ("RUSTC", "/opt/rust/bin/rustc"),
        ]),
    );
    assert_eq!(
        toolchain.cargo(&["metadata"]).display(),
        "/opt/rust/bin/cargo metadata"
    );
    assert_eq!(
        toolchain.rustc(&["-vV"]).display(),
        "/opt/rust/bin/rustc -vV"
    );
    assert_eq!(toolchain.cargo(&[]).cwd, dir.path());
}

#[test]
fn unset_or_empty_variables_leave_the_programs_on_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let toolchain = Toolchain::for_dir_with(dir.path(), env(&[("CARGO", "")]));
    assert_eq!(toolchain.cargo, Path::new("cargo"));
    assert_eq!(toolchain.rustc, Path::new("rustc"));
    assert_eq!(toolchain.pin, None);
    assert_eq!(
        toolchain
            .rustup_target("add", &["aarch64-unknown-linux-gnu"])
            .display(),
        "rustup target add aarch64-unknown-linux-gnu"
    );
}

#[test]
fn a_rust_toolchain_toml_above_the_project_pins_rustup() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("rust-toolchain.toml");
    std::fs::write(
        &file,
        "[toolchain]\nchannel = \"1.85.0\"\ncomponents = [\"rustfmt\"]\n",
    )
    .expect("write");
    let member = dir.path().join("crates/app");
    std::fs::create_dir_all(&member).expect("mkdir");
    let toolchain = Toolchain::for_dir_with(&member, env(&[]));
    assert_eq!(
        toolchain.pin,
        Some(ToolchainPin {
            name: "1.85.0".into(),
            source: PinSource::File(file),
        })
    );
    assert_eq!(
        toolchain.rustup_target("add", &["x"]).display(),
        "rustup target add --toolchain 1.85.0 x"
    );
}

#[test]
fn rustup_toolchain_wins_over_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("rust-toolchain"), "nightly-2025-01-01\n").expect("write");
    let from_file = Toolchain::for_dir_with(dir.path(), env(&[]));
    assert_eq!(
        from_file.pin.map(|pin| pin.name),
        Some("nightly-2025-01-01".to_owned())
    );
    let from_env = Toolchain::for_dir_with(dir.path(), env(&[("RUSTUP_TOOLCHAIN", "stable")]));
    assert_eq!(
        from_env.pin,
        Some(ToolchainPin {
            name: "stable".into(),
            source: PinSource::Env,
        })
    );
}

#[test]
fn a_file_that_pins_a_path_names_no_toolchain() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("rust-toolchain.toml"),
        "[toolchain]\npath = \"/opt/my-rust\"\n",
    )
    .expect("write");
    assert_eq!(Toolchain::for_dir_with(dir.path(), env(&[])).pin, None);
}

#[test]
fn lines_stream_in_the_order_each_stream_printed_them() {
    let script = "for i in 1 2 3; do echo out$i; echo err$i >&2; done; exit 3";
    let mut seen = Vec::new();
    let output = runtime()
        .block_on(run(
            &sh(script),
            &CancellationToken::new(),
            |stream, line| {
                seen.push((stream, line.to_owned()));
            },
        ))
        .expect("sh runs");
    let of = |wanted: Stream| -> Vec<String> {
        seen.iter()
            .filter(|(stream, _)| *stream == wanted)
            .map(|(_, line)| line.clone())
            .collect()
    };
    assert_eq!(of(Stream::Stdout), ["out1", "out2", "out3"]);
    assert_eq!(of(Stream::Stderr), ["err1", "err2", "err3"]);
    assert_eq!(output.stdout, "out1\nout2\nout3\n");
    assert_eq!(output.stderr, "err1\nerr2\nerr3\n");
    assert!(!output.success());
    assert_eq!(output.status.and_then(|status| status.code()), Some(3));
}

/// Whether `pid` has ended: gone, or a zombie waiting for its parent.
fn ended(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z')),
    }
}

/// Waits (up to a minute, for a loaded machine) for `pid` to end.
fn wait_until_ended(pid: u32) -> bool {
    (0..600).any(|_| {
        let gone = ended(pid);
        if !gone {
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        gone
    })
}

#[test]
fn cancelling_ends_the_grandchild_too() {
    // sh starts a sleep in the background and prints its pid; cancelling
    // must end the sleep, which is not the child but its child.
    let script = "sleep 300 & echo $!; wait";
    let cancel = CancellationToken::new();
    let mut grandchild = None;
    let output = runtime()
        .block_on(run(&sh(script), &cancel, |_, line| {
            grandchild = line.trim().parse::<u32>().ok();
            cancel.cancel();
        }))
        .expect("sh runs");
    assert!(output.cancelled);
    assert_eq!(output.status, None);
    let grandchild = grandchild.expect("sh printed the sleep's pid");
    assert!(
        wait_until_ended(grandchild),
        "sleep {grandchild} still runs"
    );
}

#[test]
fn dropping_the_run_ends_the_group() {
    // An editor's `$/cancelRequest` drops the request's future instead.
    let script = "sleep 300 & echo $!; wait";
    let grandchild = std::cell::Cell::new(None);
    runtime().block_on(async {
        let never = CancellationToken::new();
        let command = sh(script);
        let running = run(&command, &never, |_, line| {
            grandchild.set(line.trim().parse::<u32>().ok());
        });
        tokio::pin!(running);
        while grandchild.get().is_none() {
            tokio::select! {
                _ = &mut running => panic!("sh ended before printing the sleep's pid"),
                () = tokio::time::sleep(std::time::Duration::from_millis(20)) => {}
            }
        }
    });
    let grandchild = grandchild.get().expect("sh printed the sleep's pid");
    assert!(
        wait_until_ended(grandchild),
        "sleep {grandchild} still runs"
    );
}

#[test]
fn a_missing_program_is_a_clear_error() {
    let command = CommandLine::new("crossport-no-such-program", &[], Path::new("."));
    let err = run_blocking(&command, |_, _| {}).expect_err("cannot run");
    assert!(
        err.to_string()
            .starts_with("could not run crossport-no-such-program: "),
        "{err}"
    );
}
