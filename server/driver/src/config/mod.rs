//! Cargo config discovery with cargo's precedence and the origin of every value.
