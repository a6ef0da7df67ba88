//! Packages indexes: one entry per binary package with the fields a sysroot needs.
