//! Real editors as clients of `crossport lsp`. Slow (a real editor, real
//! cargo metadata), so gated by `CROSSPORT_SLOW=1`, which CI sets.
//!
//! Neovim: tests/editors/nvim.lua drives headless Neovim 0.7+ (Debian
//! `neovim`) on a copy of fixtures/crates/lsp-openssl.

use std::path::Path;
use std::process::Command;

fn slow_tests_enabled() -> bool {
    std::env::var_os("CROSSPORT_SLOW").is_some_and(|v| v == "1")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

#[test]
fn neovim_shows_the_openssl_diagnostic_applies_a_fix_and_sees_it_go() {
    if !slow_tests_enabled() {
        eprintln!("skipped: set CROSSPORT_SLOW=1 to run headless Neovim");
        return;
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let scratch = tempfile::tempdir().expect("tempdir");
    let root = scratch.path().join("lsp-openssl");
    copy_dir(&repo.join("fixtures/crates/lsp-openssl"), &root);
    let log = scratch.path().join("server.log");
    let xdg = scratch.path().join("xdg");
    let output = Command::new("timeout")
        .args(["180", "nvim", "--headless", "-n", "-i", "NONE", "-u"])
        .arg(repo.join("tests/editors/nvim.lua"))
        .current_dir(&root)
        .env(
            "LSP_CMD",
            format!("{} lsp", env!("CARGO_BIN_EXE_crossport")),
        )
        .env("LSP_FILE", root.join("Cargo.toml"))
        .env("CROSSPORT_LSP_LOG_FILE", &log)
        .env("XDG_CACHE_HOME", xdg.join("cache"))
        .env("XDG_DATA_HOME", xdg.join("data"))
        .env("XDG_CONFIG_HOME", xdg.join("config"))
        .env("XDG_STATE_HOME", xdg.join("state"))
        .output()
        .expect("nvim runs (apt-get install neovim)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let server_log = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        output.status.success() && stdout.contains("PASSED"),
        "nvim failed ({}):\nstdout:\n{stdout}\nstderr:\n{stderr}\nserver log:\n{server_log}",
        output.status
    );
    let fixed = std::fs::read_to_string(root.join("Cargo.toml")).expect("manifest");
    assert!(fixed.contains("features = [\"vendored\"]"), "{fixed}");
}
