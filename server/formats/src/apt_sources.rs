//! apt sources: deb822 .sources files and one-line sources.list, to find the host's mirror.
