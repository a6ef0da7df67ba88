//! Reads a binary and its sysroot manifest for inspect.
