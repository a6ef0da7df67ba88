//! Sysroot planning: dependency closure over Packages indexes, the base set a linker needs, links → -dev packages.
