//! The .deb container: ar members and data.tar.{xz,gz,zst} streams.
