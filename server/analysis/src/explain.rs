//! Runs every rule over a parsed log and orders the findings root cause first.
