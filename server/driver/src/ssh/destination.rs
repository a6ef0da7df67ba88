//! Parsing and validating `ssh://user@host[:port]/path` and
//! `dokku://[user@]host[:port]/app`.
//!
//! Every part is checked against a narrow alphabet so that it can neither be
//! read by ssh as an option (a leading `-`) nor change the meaning of the
//! remote command (quotes, `;`, `$`, spaces, newlines …).

use super::SshError;

/// Where to connect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshHost {
    pub user: Option<String>,
    pub host: String,
    pub port: Option<u16>,
}

impl SshHost {
    /// `user@host:port`, for messages.
    pub fn label(&self) -> String {
        let mut label = String::new();
        if let Some(user) = &self.user {
            label.push_str(user);
            label.push('@');
        }
        label.push_str(&self.host);
        if let Some(port) = self.port {
            label.push_str(&format!(":{port}"));
        }
        label
    }
}

/// Where `crossport deploy --to` ships a binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Upload to this absolute path on the host.
    Ssh { host: SshHost, path: String },
    /// Push to this Dokku app on the host.
    Dokku { host: SshHost, app: String },
}

fn invalid(url: &str, reason: impl Into<String>) -> SshError {
    SshError::InvalidDestination {
        url: url.to_owned(),
        reason: reason.into(),
    }
}

/// Parses `ssh://user@host[:port]` (no path) for probe.
pub fn parse_ssh_host(url: &str) -> Result<SshHost, SshError> {
    let rest = url
        .strip_prefix("ssh://")
        .ok_or_else(|| invalid(url, "expected ssh://[user@]host[:port]"))?;
    let (authority, path) = split_authority(rest);
    if !path.is_empty() && path != "/" {
        return Err(invalid(url, "probe takes no path"));
    }
    parse_authority(url, authority)
}

/// Parses a deploy destination.
pub fn parse_destination(url: &str) -> Result<Destination, SshError> {
    if let Some(rest) = url.strip_prefix("ssh://") {
        let (authority, path) = split_authority(rest);
        let host = parse_authority(url, authority)?;
        validate_path(url, path)?;
        return Ok(Destination::Ssh {
            host,
            path: path.to_owned(),
        });
    }
    if let Some(rest) = url.strip_prefix("dokku://") {
        let (authority, path) = split_authority(rest);
        let host = parse_authority(url, authority)?;
        let app = path.trim_start_matches('/');
        validate_app(url, app)?;
        return Ok(Destination::Dokku {
            host,
            app: app.to_owned(),
        });
    }
    Err(invalid(
        url,
        "expected ssh://[user@]host[:port]/path or dokku://[user@]host[:port]/app",
    ))
}

fn split_authority(rest: &str) -> (&str, &str) {
    match rest.find('/') {
        Some(slash) => (&rest[..slash], &rest[slash..]),
        None => (rest, ""),
    }
}

fn parse_authority(url: &str, authority: &str) -> Result<SshHost, SshError> {
    let (user, host_port) = match authority.rsplit_once('@') {
        Some((user, host_port)) => (Some(user), host_port),
        None => (None, authority),
    };
    if let Some(user) = user {
        let ok = !user.is_empty()
            && !user.starts_with('-')
            && user
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !ok {
            return Err(invalid(url, format!("`{user}` is not a valid user name")));
        }
    }
    let (host, port) = split_port(url, host_port)?;
    validate_host(url, host)?;
    Ok(SshHost {
        user: user.map(str::to_owned),
        host: host.to_owned(),
        port,
    })
}

fn split_port<'a>(url: &str, host_port: &'a str) -> Result<(&'a str, Option<u16>), SshError> {
    let (host, port) = if let Some(rest) = host_port.strip_prefix('[') {
        let (inside, after) = rest
            .split_once(']')
            .ok_or_else(|| invalid(url, "unclosed `[` in the host"))?;
        (inside, after.strip_prefix(':'))
    } else {
        match host_port.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    let port = match port {
        Some(text) => {
            let port: u16 = text
                .parse()
                .ok()
                .filter(|port| *port != 0)
                .ok_or_else(|| invalid(url, format!("`{text}` is not a port number")))?;
            Some(port)
        }
        None => None,
    };
    Ok((host, port))
}

fn validate_host(url: &str, host: &str) -> Result<(), SshError> {
    let ok = !host.is_empty()
        && !host.starts_with('-')
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '_'));
    if ok {
        Ok(())
    } else {
        Err(invalid(url, format!("`{host}` is not a valid host name")))
    }
}

fn validate_path(url: &str, path: &str) -> Result<(), SshError> {
    if !path.starts_with('/') || path.ends_with('/') {
        return Err(invalid(url, "the destination needs an absolute file path"));
    }
    if path.split('/').any(|part| part == ".." || part == ".") {
        return Err(invalid(url, "the path may not contain `.` or `..`"));
    }
    let ok = path
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-' | '+' | '@'));
    if ok {
        Ok(())
    } else {
        Err(invalid(
            url,
            "the path may only contain letters, digits and / . _ - + @",
        ))
    }
}

fn validate_app(url: &str, app: &str) -> Result<(), SshError> {
    let ok = app
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && app
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(invalid(
            url,
            format!("`{app}` is not a Dokku app name (lowercase letters, digits, -)"),
        ))
    }
}

/// Quotes a string for a POSIX shell: `'…'`, with `'` written as `'\''`.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_hosts_ports_and_paths() {
        assert_eq!(
            parse_destination("ssh://deploy@example.org:2222/srv/app/web"),
            Ok(Destination::Ssh {
                host: SshHost {
                    user: Some("deploy".into()),
                    host: "example.org".into(),
                    port: Some(2222)
                },
                path: "/srv/app/web".into()
            })
        );
        assert_eq!(
            parse_ssh_host("ssh://[::1]:22").map(|h| (h.host, h.port)),
            Ok(("::1".to_owned(), Some(22)))
        );
        assert_eq!(
            parse_destination("dokku://dokku@10.0.0.2/web-api"),
            Ok(Destination::Dokku {
                host: SshHost {
                    user: Some("dokku".into()),
                    host: "10.0.0.2".into(),
                    port: None
                },
                app: "web-api".into()
            })
        );
    }

    #[test]
    fn refuses_injection_and_options() {
        for url in [
            "ssh://-oProxyCommand=sh/x",
            "ssh://user@host;reboot/x",
            "ssh://us$er@host/x",
            "ssh://host/tmp/a b",
            "ssh://host/tmp/$(id)",
            "ssh://host/tmp/'x",
            "ssh://host/../etc/passwd",
            "ssh://host:99999/x",
            "ssh://host/",
            "dokku://host/App",
            "dokku://host/-app",
            "dokku://host/a;b",
            "http://host/x",
            "ssh://-l@host/x",
        ] {
            assert!(parse_destination(url).is_err(), "{url} was accepted");
        }
        assert!(parse_ssh_host("ssh://host/path").is_err());
        assert!(parse_ssh_host("ssh://ho`st").is_err());
    }

    impl PartialEq for SshError {
        fn eq(&self, other: &Self) -> bool {
            self.to_string() == other.to_string()
        }
    }

    #[test]
    fn quotes_for_a_posix_shell() {
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
    }
}
