//! Black-box tests of `crossport explain`: the command-line contract, a
//! snapshot of the JSON for every captured log in fixtures/logs, the root
//! cause each log is labelled with in fixtures/README.md, and robustness
//! against input no build ever printed.

mod cli;
mod readme;
mod readme_table;
mod robustness;
mod snapshots;
mod support;
