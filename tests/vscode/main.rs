//! The VS Code extension against the server it fronts.
//!
//! Settings and the server's commands are declared once, in crossport-lsp;
//! the extension's `package.json` and `lsp_ext.ts` must follow. These checks
//! run always. The end-to-end run in real VS Code (code-server in chromium,
//! `scripts/vscode-e2e.sh`) installs npm and apt packages and drives a
//! browser, so it runs only with `CROSSPORT_SLOW=1`; its aarch64 Build for
//! Target run also fetches a sysroot from the host's mirror, so it needs
//! `CROSSPORT_LIVE=1` too.

#[path = "../common/gate.rs"]
mod gate;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

fn repo_root() -> PathBuf {
    // tests/ is reached through server/cli/tests, so go up from the package.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the repository root exists")
}

/// `contributes.configuration` as the server's settings declare it.
fn expected_configuration() -> Value {
    json!({
        "title": "Crossport",
        "properties": crossport_lsp::settings::vscode_properties(),
    })
}

#[test]
fn package_json_configuration_is_generated_from_server_settings() {
    let path = repo_root().join("vscode-extension/package.json");
    let text = std::fs::read_to_string(&path).expect("vscode-extension/package.json is readable");
    let package: Value = serde_json::from_str(&text).expect("package.json is JSON");
    let expected = expected_configuration();
    if package["contributes"]["configuration"] == expected {
        return;
    }
    if gate::bless() {
        let updated = replace_value(&text, "configuration", &expected, 4)
            .expect("package.json has one \"configuration\" key");
        std::fs::write(&path, updated).expect("package.json is writable");
        return;
    }
    panic!(
        "vscode-extension/package.json `contributes.configuration` drifted from \
         server/lsp/src/settings.rs; run `UPDATE_EXPECT=1 cargo test -p crossport --test vscode`\n\
         expected: {}",
        serde_json::to_string_pretty(&expected).unwrap_or_default()
    );
}

#[test]
fn every_setting_the_extension_reads_is_declared() {
    let config_ts = read_extension_file("src/config.ts");
    let declared: Vec<&str> = crossport_lsp::settings::SETTINGS
        .iter()
        .map(|setting| setting.name)
        .collect();
    // config.ts reads `section.get('<name without crossport.>')`.
    for read in quoted_after(&config_ts, "section.get<unknown>(") {
        let name = format!("crossport.{read}");
        assert!(
            declared.contains(&name.as_str()),
            "config.ts reads `{name}`, which server/lsp/src/settings.rs does not declare"
        );
    }
}

#[test]
fn lsp_ext_mirrors_the_server_commands() {
    let lsp_ext = read_extension_file("src/lsp_ext.ts");
    let mirrored = quoted_after(&lsp_ext, ": '");
    for command in crossport_lsp::commands::ALL {
        assert!(
            mirrored.iter().any(|name| name == command),
            "lsp_ext.ts does not mirror the server command `{command}`"
        );
    }
    for name in mirrored
        .iter()
        .filter(|name| name.starts_with("crossport."))
    {
        assert!(
            crossport_lsp::commands::ALL.contains(&name.as_str()),
            "lsp_ext.ts names `{name}`, which the server does not offer"
        );
    }
}

#[test]
fn every_palette_command_is_contributed_and_titled() {
    let commands_ts = read_extension_file("src/commands.ts");
    let registered: Vec<String> = quoted_after(&commands_ts, "\n  '")
        .into_iter()
        .filter(|id| id.starts_with("crossport."))
        .collect();
    assert!(
        registered.len() >= 9,
        "PALETTE in commands.ts: {registered:?}"
    );
    let text = std::fs::read_to_string(repo_root().join("vscode-extension/package.json"))
        .expect("package.json is readable");
    let package: Value = serde_json::from_str(&text).expect("package.json is JSON");
    let contributed: Vec<(&str, &str)> = package["contributes"]["commands"]
        .as_array()
        .expect("contributes.commands is an array")
        .iter()
        .map(|command| {
            let id = command["command"].as_str().unwrap_or_default();
            let title = command["title"].as_str().unwrap_or_default();
            assert_eq!(command["category"], "Crossport", "{id}");
            (id, title)
        })
        .collect();
    let ids: Vec<&str> = contributed.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        ids, registered,
        "package.json commands vs PALETTE in commands.ts"
    );
    let titles: Vec<&str> = contributed.iter().map(|(_, title)| *title).collect();
    assert_eq!(
        titles,
        [
            "Select Target",
            "Doctor",
            "Build for Target",
            "Fetch Sysroot",
            "Apply All Fixes",
            "Inspect Binary",
            "Deploy",
            "Restart Server",
            "Show Output"
        ]
    );
    // The language client registers the server's command names itself; a
    // palette command with the same id would fail to register.
    for id in &ids {
        assert!(
            !crossport_lsp::commands::ALL.contains(id),
            "palette command `{id}` collides with the server command of that name"
        );
    }
}

#[test]
fn replace_value_keeps_the_rest_of_the_file() {
    let text = "{\n  \"a\": {\n    \"configuration\": {\"x\": \"}\\\"{\"},\n    \"b\": 1\n  }\n}\n";
    let updated = replace_value(text, "configuration", &json!({ "y": [1] }), 4).expect("found");
    assert_eq!(
        updated,
        "{\n  \"a\": {\n    \"configuration\": {\n      \"y\": [\n        1\n      ]\n    },\n    \"b\": 1\n  }\n}\n"
    );
    assert!(replace_value(text, "missing", &json!(1), 4).is_none());
}

#[test]
fn vscode_end_to_end() {
    if !gate::slow("vscode_end_to_end") {
        return;
    }
    // Its build (vendored OpenSSL for aarch64) shares the cores with
    // tests/builds in CI, hence the foreign build's time limit.
    run_e2e(&[("E2E_TIMEOUT", "900")]);
}

/// Build for Target for aarch64, for real: on a fresh copy of
/// fixtures/crates/foreign-app, with Debian's rustc through
/// `crossport.extraEnv`, the quick fix fetches and wires the bookworm
/// sysroot, and the build's notification names the artifact and the inspect
/// verdict (screenshots in target/vscode-e2e/screenshots/aarch64/). The
/// sysroot comes from the host's mirror, hence the live gate.
#[test]
fn vscode_aarch64_build_for_target() {
    if !gate::open(
        "vscode_aarch64_build_for_target",
        &[gate::Gate::Slow, gate::Gate::Live],
    ) {
        return;
    }
    run_e2e(&[("FLOW", "foreign-build"), ("E2E_TIMEOUT", "900")]);
}

/// One browser run at a time: the runs share target/vscode-e2e/ (harness,
/// node_modules) and two code-servers on 2 cores would only slow both.
fn run_e2e(env: &[(&str, &str)]) {
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let script = repo_root().join("scripts/vscode-e2e.sh");
    let status = Command::new(&script)
        .env("CROSSPORT_BIN", env!("CARGO_BIN_EXE_crossport"))
        .envs(env.iter().copied())
        .status()
        .expect("scripts/vscode-e2e.sh runs");
    assert!(
        status.success(),
        "VS Code end to end {env:?} failed ({status}); see its output above and target/vscode-e2e/"
    );
}

fn read_extension_file(relative: &str) -> String {
    let path = repo_root().join("vscode-extension").join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The single-quoted strings that directly follow `marker` in TypeScript source.
fn quoted_after(source: &str, marker: &str) -> Vec<String> {
    source
        .match_indices(marker)
        .filter_map(|(at, _)| {
            let rest = &source[at + marker.len()..];
            let rest = rest.strip_prefix('\'').unwrap_or(rest);
            let end = rest.find('\'')?;
            Some(rest[..end].to_owned())
        })
        .collect()
}

/// Replaces the value of the first `"key":` in a JSON text with `value`,
/// pretty-printed and indented by `indent` spaces, leaving every other byte
/// as it was (serde_json would reorder the whole file's keys).
fn replace_value(text: &str, key: &str, value: &Value, indent: usize) -> Option<String> {
    let key_at = text.find(&format!("\"{key}\":"))?;
    let after_key = key_at + key.len() + 3;
    let start = after_key + (text[after_key..].len() - text[after_key..].trim_start().len());
    let end = start + json_value_len(&text[start..])?;
    let pretty = serde_json::to_string_pretty(value).ok()?;
    let pad = " ".repeat(indent);
    let indented = pretty.replace('\n', &format!("\n{pad}"));
    Some(format!("{}{indented}{}", &text[..start], &text[end..]))
}

/// The length of the object or array at the start of `text`, strings aware.
fn json_value_len(text: &str) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (at, byte) in text.bytes().enumerate() {
        match (in_string, escaped, byte) {
            (true, true, _) => escaped = false,
            (true, false, b'\\') => escaped = true,
            (true, false, b'"') => in_string = false,
            (true, false, _) => {}
            (false, _, b'"') => in_string = true,
            (false, _, b'{' | b'[') => depth += 1,
            (false, _, b'}' | b']') => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(at + 1);
                }
            }
            _ => {}
        }
    }
    None
}
