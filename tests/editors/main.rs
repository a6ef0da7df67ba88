//! Real editors as clients of `crossport lsp`. Slow (a real editor, real
//! cargo metadata), so gated by `CROSSPORT_SLOW=1`, which CI sets.
//!
//! Neovim: tests/editors/nvim.lua drives headless Neovim 0.7+ (Debian
//! `neovim`) on a copy of fixtures/crates/lsp-openssl, tests/editors/nvim_buffers.lua
//! types (and undoes) a dependency line without saving, and
//! tests/editors/nvim_docs.lua runs the setup docs/editors.md gives.

use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "../common/gate.rs"]
mod gate;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
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

/// Runs a Lua script in headless Neovim on a fresh copy of the fixture in
/// `scratch`, with `extra` environment variables; fails with everything
/// both sides logged unless the script printed `PASSED`.
fn run_nvim(scratch: &Path, script: &str, extra: &[(&str, &Path)]) -> PathBuf {
    run_nvim_on(scratch, script, extra, &|_| {})
}

/// [`run_nvim`], with `prepare` changing the fixture copy first.
fn run_nvim_on(
    scratch: &Path,
    script: &str,
    extra: &[(&str, &Path)],
    prepare: &dyn Fn(&Path),
) -> PathBuf {
    let root = scratch.join("lsp-openssl");
    copy_dir(&repo().join("fixtures/crates/lsp-openssl"), &root);
    prepare(&root);
    let log = scratch.join("server.log");
    let xdg = scratch.join("xdg");
    let mut command = Command::new("timeout");
    command
        .args(["900", "nvim", "--headless", "-n", "-i", "NONE", "-u"])
        .arg(repo().join("tests/editors").join(script))
        .current_dir(&root)
        .env(
            "LSP_CMD",
            format!("{} lsp", env!("CARGO_BIN_EXE_crossport")),
        )
        .env("LSP_FILE", root.join("Cargo.toml"))
        .env("CONFIG_FILE", root.join(".cargo/config.toml"))
        .env("CROSSPORT_LSP_LOG_FILE", &log)
        .env("XDG_CACHE_HOME", xdg.join("cache"))
        .env("XDG_DATA_HOME", xdg.join("data"))
        .env("XDG_CONFIG_HOME", xdg.join("config"))
        .env("XDG_STATE_HOME", xdg.join("state"));
    for (name, value) in extra {
        command.env(name, value);
    }
    let output = command
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
    root
}

#[test]
fn neovim_shows_the_openssl_diagnostic_applies_a_fix_and_sees_it_go() {
    if !gate::slow("neovim_shows_the_openssl_diagnostic_applies_a_fix_and_sees_it_go") {
        return;
    }
    let scratch = tempfile::tempdir().expect("tempdir");
    // A C compiler for aarch64 is configured, as a user with a GNU cross gcc
    // has it: the vendored fix is then a file edit Neovim applies itself
    // (without one it is a command that also fetches a sysroot).
    let root = run_nvim_on(scratch.path(), "nvim.lua", &[], &|root| {
        let config = root.join(".cargo/config.toml");
        let mut text = std::fs::read_to_string(&config).expect("fixture config");
        text.push_str("\n[env]\nCC_aarch64-unknown-linux-gnu = \"aarch64-linux-gnu-gcc\"\n");
        std::fs::write(&config, text).expect("write fixture config");
    });
    let fixed = std::fs::read_to_string(root.join("Cargo.toml")).expect("manifest");
    assert!(fixed.contains("features = [\"vendored\"]"), "{fixed}");
}

#[test]
fn neovim_diagnostics_follow_typing_and_undo_without_a_save() {
    if !gate::slow("neovim_diagnostics_follow_typing_and_undo_without_a_save") {
        return;
    }
    let scratch = tempfile::tempdir().expect("tempdir");
    let saved = std::cell::RefCell::new(String::new());
    let root = run_nvim_on(scratch.path(), "nvim_buffers.lua", &[], &|root| {
        let manifest = root.join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest).expect("manifest");
        let without = text.replace("openssl = \"0.10\"\n", "");
        assert_ne!(text, without, "the fixture depends on openssl");
        std::fs::write(&manifest, &without).expect("write manifest");
        *saved.borrow_mut() = without;
    });
    let after = std::fs::read_to_string(root.join("Cargo.toml")).expect("manifest");
    assert_eq!(
        after,
        *saved.borrow(),
        "Neovim never saved, nothing else wrote"
    );
}

#[test]
fn neovim_build_findings_become_diagnostics_a_quick_fix_and_a_rebuild_clears_them() {
    let name = "neovim_build_findings_become_diagnostics_a_quick_fix_and_a_rebuild_clears_them";
    if !gate::slow(name) {
        return;
    }
    let verbose = Command::new("rustc")
        .arg("-vV")
        .output()
        .expect("rustc runs");
    let verbose = String::from_utf8_lossy(&verbose.stdout).into_owned();
    let host = verbose
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("rustc -vV names the host")
        .to_owned();
    let scratch = tempfile::tempdir().expect("tempdir");
    let host_path = PathBuf::from(&host);
    let root = run_nvim_on(
        scratch.path(),
        "nvim_build.lua",
        &[("HOST_TRIPLE", &host_path)],
        &|_| {},
    );
    let fixed = std::fs::read_to_string(root.join("Cargo.toml")).expect("manifest");
    assert!(fixed.contains("features = [\"vendored\"]"), "{fixed}");
}

/// The first Lua block under `heading` in docs/editors.md.
fn docs_lua_block(heading: &str) -> String {
    let docs = std::fs::read_to_string(repo().join("docs/editors.md")).expect("docs/editors.md");
    let section = docs.split(heading).nth(1).expect("the section exists");
    let block = section.split("```lua\n").nth(1).expect("a lua block");
    block.split("```").next().expect("closed block").to_owned()
}

#[test]
fn the_neovim_setup_in_docs_editors_md_works_as_written() {
    if !gate::slow("the_neovim_setup_in_docs_editors_md_works_as_written") {
        return;
    }
    let snippet = docs_lua_block("## Neovim 0.7 and later, without plugins");
    let written = "cmd = { 'crossport', 'lsp' }";
    assert!(snippet.contains(written), "{snippet}");
    let built = format!("cmd = {{ '{}', 'lsp' }}", env!("CARGO_BIN_EXE_crossport"));
    let scratch = tempfile::tempdir().expect("tempdir");
    let init = scratch.path().join("init.lua");
    std::fs::write(&init, snippet.replace(written, &built)).expect("write init.lua");
    run_nvim(scratch.path(), "nvim_docs.lua", &[("INIT_LUA", &init)]);
}
