//! Debian relationship fields: Depends, Pre-Depends, Provides, alternatives, version constraints, arch qualifiers.
