//! Host facts: installed targets, linkers on PATH, OS and package manager.
