//! Sysroot fetch, verify, cache, lock and assembly.
