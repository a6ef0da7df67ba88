//! One file per diagnostic rule; each detects one finding kind in a parsed build log.
