//! cargo's `--message-format=json` lines and rustc's `--error-format=json`
//! diagnostics, turned back into the text a person would have seen.
//!
//! Rules read text; a JSON diagnostic carries that text in `rendered`. The
//! package that produced it comes from `package_id`, in both the old
//! (`name 1.0.0 (source)`) and the new (`source#name@1.0.0`) spelling.

use serde::Deserialize;

/// What one JSON line of a log says, as far as rules care.
pub(crate) enum JsonLine {
    /// A diagnostic: its rendered text and the package that emitted it.
    Diagnostic {
        rendered: String,
        package: Option<(String, String)>,
    },
    /// Any other message (artifacts, build-script output, build-finished):
    /// the rules read the raw line, which still carries paths.
    Other,
}

/// A cargo message (`--message-format=json`); only `compiler-message`
/// carries a diagnostic object.
#[derive(Deserialize)]
struct CargoMessage {
    reason: String,
    package_id: Option<String>,
    message: Option<Diagnostic>,
}

/// rustc's own JSON (`--error-format=json`): the diagnostic at top level.
#[derive(Deserialize)]
struct RustcMessage {
    #[serde(rename = "$message_type")]
    message_type: String,
    #[serde(flatten)]
    diagnostic: Diagnostic,
}

/// The parts of a rustc diagnostic rules read; spans and children are
/// skipped without being built.
#[derive(Deserialize)]
struct Diagnostic {
    rendered: Option<String>,
    message: Option<String>,
    level: Option<String>,
}

/// Reads a line that looks like a JSON object. `Err` carries why it could
/// not be read, so the caller can record the skip and keep the raw text.
pub(crate) fn read_json_line(text: &str) -> Result<JsonLine, String> {
    // Most lines of a JSON build are artifacts; their raw text is all rules
    // need, so they are not parsed (a large log is mostly these).
    if let Some(reason) = text.strip_prefix("{\"reason\":\"")
        && !reason.starts_with("compiler-message\"")
    {
        return Ok(JsonLine::Other);
    }
    // cargo's compiler-message nests a rustc diagnostic (with its own
    // `$message_type`), so only a line that is not a cargo message is rustc's.
    if !text.starts_with("{\"reason\"") && text.contains("\"$message_type\"") {
        let message: RustcMessage = serde_json::from_str(text).map_err(|err| err.to_string())?;
        if message.message_type != "diagnostic" {
            return Ok(JsonLine::Other);
        }
        return Ok(match rendered_of(message.diagnostic) {
            Some(rendered) => JsonLine::Diagnostic {
                rendered,
                package: None,
            },
            None => JsonLine::Other,
        });
    }
    let message: CargoMessage = serde_json::from_str(text).map_err(|err| {
        if err.to_string().starts_with("missing field `reason`") {
            "a JSON object that is neither a cargo nor a rustc message".to_owned()
        } else {
            err.to_string()
        }
    })?;
    if message.reason != "compiler-message" {
        return Ok(JsonLine::Other);
    }
    let package = message.package_id.as_deref().and_then(package_of);
    Ok(match message.message.and_then(rendered_of) {
        Some(rendered) => JsonLine::Diagnostic { rendered, package },
        None => JsonLine::Other,
    })
}

/// The text of a rustc diagnostic: `rendered`, else `level: message`.
fn rendered_of(diagnostic: Diagnostic) -> Option<String> {
    if let Some(rendered) = diagnostic.rendered {
        return Some(rendered);
    }
    let text = diagnostic.message?;
    let level = diagnostic.level.as_deref().unwrap_or("error");
    Some(format!("{level}: {text}"))
}

/// Name and version from a cargo package id, old or new format.
pub fn package_of(package_id: &str) -> Option<(String, String)> {
    if let Some((source, fragment)) = package_id.rsplit_once('#') {
        if let Some((name, version)) = fragment.split_once('@') {
            return Some((name.to_owned(), version.to_owned()));
        }
        // `path+file:///home/u/app#0.1.0`: the name is the last path segment.
        let name = source.trim_end_matches('/').rsplit('/').next()?;
        return Some((name.to_owned(), fragment.to_owned()));
    }
    let mut words = package_id.split_whitespace();
    let name = words.next()?;
    let version = words.next()?;
    version
        .starts_with(|c: char| c.is_ascii_digit())
        .then(|| (name.to_owned(), version.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_ids_in_every_spelling() {
        let want = Some(("openssl-sys".to_owned(), "0.9.102".to_owned()));
        assert_eq!(
            package_of("registry+https://github.com/rust-lang/crates.io-index#openssl-sys@0.9.102"),
            want
        );
        assert_eq!(
            package_of(
                "openssl-sys 0.9.102 (registry+https://github.com/rust-lang/crates.io-index)"
            ),
            want
        );
        assert_eq!(
            package_of("path+file:///home/u/app#0.1.0"),
            Some(("app".to_owned(), "0.1.0".to_owned()))
        );
        assert_eq!(package_of("nonsense"), None);
    }

    #[test]
    fn compiler_message_gives_its_rendered_text() {
        let line = r#"{"reason":"compiler-message","package_id":"path+file:///w/app#0.1.0","message":{"$message_type":"diagnostic","rendered":"error: linking with `cc` failed\n","level":"error"}}"#;
        let Ok(JsonLine::Diagnostic { rendered, package }) = read_json_line(line) else {
            panic!("not read as a diagnostic");
        };
        assert_eq!(rendered, "error: linking with `cc` failed\n");
        assert_eq!(package, Some(("app".to_owned(), "0.1.0".to_owned())));
    }

    #[test]
    fn rustc_json_diagnostics() {
        let line = r#"{"$message_type":"diagnostic","message":"can't find crate for `core`","code":{"code":"E0463"},"level":"error","spans":[],"children":[],"rendered":"error[E0463]: can't find crate for `core`\n"}"#;
        let Ok(JsonLine::Diagnostic { rendered, package }) = read_json_line(line) else {
            panic!("not read as a diagnostic");
        };
        assert_eq!(rendered, "error[E0463]: can't find crate for `core`\n");
        assert_eq!(package, None);
        let bare =
            r#"{"$message_type":"diagnostic","message":"linker `cc` not found","level":"error"}"#;
        let Ok(JsonLine::Diagnostic { rendered, .. }) = read_json_line(bare) else {
            panic!("not read as a diagnostic");
        };
        assert_eq!(rendered, "error: linker `cc` not found");
    }

    #[test]
    fn other_objects_are_reported_as_unreadable() {
        assert!(read_json_line(r#"{"a":1}"#).is_err());
        assert!(read_json_line(r#"{"reason":"#).is_err());
        assert!(matches!(
            read_json_line(r#"{"reason":"build-finished","success":false}"#),
            Ok(JsonLine::Other)
        ));
    }
}
