//! Zero-copy reader for deb822 paragraphs (Release, InRelease, Packages, .sources).
