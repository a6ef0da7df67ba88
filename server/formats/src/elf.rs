//! ELF facts for inspect: class, machine, linkage, interpreter, NEEDED, symbol versions.
