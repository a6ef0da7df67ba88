//! Verdicts for a built binary against Debian releases and a probed server.
