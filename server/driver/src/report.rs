//! Error chains as people read them: every cause once.
//!
//! Many error types put their cause into their own message (thiserror's
//! `"{path}: {source}"`) *and* return it from `source()`, and an anyhow
//! context adds a line above; printing the whole chain naively repeats the
//! cause (`premature eof: premature eof`). Both shells print chains through
//! [`causes`], so each cause appears once, on its own line (the CLI) or
//! joined by `: ` (the language server), in the order outer → inner.

use std::error::Error;

/// The messages of an error chain, outermost first, one cause each: a
/// message that ends with `": <its cause>"` loses that suffix (the cause
/// gets its own entry), a cause the message before it already holds
/// elsewhere is dropped, and so are empty messages.
pub fn causes<'a>(chain: impl IntoIterator<Item = &'a (dyn Error + 'static)>) -> Vec<String> {
    let texts: Vec<String> = chain
        .into_iter()
        .map(|error| error.to_string().trim().to_owned())
        .filter(|text| !text.is_empty())
        .collect();
    let mut kept = Vec::new();
    let mut i = 0;
    while i < texts.len() {
        let mut text = texts[i].clone();
        let mut next = i + 1;
        while let Some(cause) = texts.get(next) {
            if let Some(head) = text.strip_suffix(&format!(": {cause}")) {
                text = head.to_owned();
                break;
            }
            if !text.contains(cause.as_str()) {
                break;
            }
            next += 1;
        }
        kept.push(text);
        i = next;
    }
    kept
}

/// The chain of `error` (itself first) on one line, `outer: inner`, each
/// message once.
pub fn one_line(error: &(dyn Error + 'static)) -> String {
    causes(chain(error)).join(": ")
}

/// `error` and its sources, outermost first.
pub fn chain<'a>(error: &'a (dyn Error + 'static)) -> Vec<&'a (dyn Error + 'static)> {
    let mut links = vec![error];
    let mut next = error.source();
    while let Some(cause) = next {
        links.push(cause);
        next = cause.source();
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("{package}: unreadable data.tar: {source}")]
    struct Outer {
        package: String,
        source: std::io::Error,
    }

    #[derive(Debug, thiserror::Error)]
    #[error("cannot fetch")]
    struct Context {
        #[source]
        source: Outer,
    }

    #[test]
    fn a_message_that_holds_its_cause_in_the_middle_drops_the_cause() {
        #[derive(Debug, thiserror::Error)]
        #[error("bad ({source}) in x")]
        struct Middle {
            source: std::io::Error,
        }
        let error = Middle {
            source: std::io::Error::other("eof"),
        };
        assert_eq!(causes(chain(&error)), ["bad (eof) in x"]);
    }

    #[test]
    fn a_cause_already_in_its_message_is_not_repeated() {
        let error = Context {
            source: Outer {
                package: "libssl3".to_owned(),
                source: std::io::Error::other("premature eof"),
            },
        };
        assert_eq!(
            one_line(&error),
            "cannot fetch: libssl3: unreadable data.tar: premature eof"
        );
        assert_eq!(
            causes(chain(&error)),
            [
                "cannot fetch",
                "libssl3: unreadable data.tar",
                "premature eof"
            ]
        );
    }
}
