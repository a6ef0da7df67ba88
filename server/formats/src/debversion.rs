//! Debian version numbers and dpkg's comparison (epochs, tildes).
