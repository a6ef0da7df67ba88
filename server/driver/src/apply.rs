//! Applies computed edits to user files atomically (temp file + rename).
