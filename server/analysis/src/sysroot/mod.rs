//! Sysroot planning: dependency closure over Packages indexes, the base set a linker needs, links → -dev packages.
//!
//! The driver downloads and verifies indexes; this module decides *which*
//! packages a sysroot for one Debian architecture consists of, the way apt
//! would for a fresh install of the requested packages, and explains every
//! failure with the dependency path that led to it.
//!
//! - [`resolve`]: the closure of Depends and Pre-Depends (see `closure`).
//! - [`choose_base_set`]: libc6-dev, linux-libc-dev, libgcc-N-dev and
//!   libstdc++-N-dev, with N read from the index.
//! - [`dev_package_for_links`]: a crate's `links` key → the Debian `-dev`
//!   package that provides the library.

mod base_set;
mod closure;
mod links;

pub use base_set::{BASE_PACKAGES, choose_base_set, gcc_major};
pub use closure::{Resolution, ResolutionPackage, ResolveError, ResolveRequest, resolve};
pub use links::dev_package_for_links;

#[cfg(test)]
mod tests;
