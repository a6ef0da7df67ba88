//! Release / InRelease fields: suite, dates, Valid-Until, and the SHA256 list of indexes.
