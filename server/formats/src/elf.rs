//! ELF facts for inspect: class, machine, linkage, interpreter, NEEDED, symbol versions.
//!
//! `crossport inspect` needs to know whether a built binary will start on a
//! server: which loader it asks for, which shared libraries it needs and
//! which glibc / libstdc++ symbol versions it was linked against. This module
//! reads those facts from the bytes of an ELF file with the `object` crate and
//! nothing else; it never touches the disk. Anything malformed becomes an
//! [`ElfError`], never a panic.

use object::elf;
use object::read::elf::{Dyn, FileHeader, ProgramHeader, SectionTable, Sym};
use object::read::{ReadRef, StringTable};
use object::{Endianness, FileKind};
use serde::Serialize;

/// Why the bytes could not be read as an ELF file.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ElfError {
    /// The input does not start with the ELF magic.
    #[error("not an ELF file (it starts with {magic})")]
    NotElf { magic: String },
    /// The ELF headers or tables point outside the data or are inconsistent.
    #[error("malformed ELF file: {0}")]
    Malformed(String),
}

impl From<object::read::Error> for ElfError {
    fn from(err: object::read::Error) -> Self {
        ElfError::Malformed(err.to_string())
    }
}

/// How a program gets its libraries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Linkage {
    /// A fixed-address executable with no dynamic loader.
    Static,
    /// A position-independent executable that relocates itself (no loader).
    StaticPie,
    /// An executable run through a dynamic loader (`PT_INTERP`).
    Dynamic,
    /// A shared library (`ET_DYN`, no loader, not flagged as an executable).
    SharedLibrary,
    /// A relocatable object or another ELF type that is not run directly.
    Other,
}

impl Linkage {
    /// The stable name used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Linkage::Static => "static",
            Linkage::StaticPie => "static-pie",
            Linkage::Dynamic => "dynamic",
            Linkage::SharedLibrary => "shared-library",
            Linkage::Other => "other",
        }
    }
}

/// Byte order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Endian {
    Little,
    Big,
}

/// One version a binary needs from one library (`.gnu.version_r`), and the
/// dynamic symbols bound to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionNeed {
    /// The library soname the version belongs to (`libc.so.6`).
    pub library: String,
    /// The version name (`GLIBC_2.34`).
    pub version: String,
    /// Undefined dynamic symbols that require this version, in table order.
    pub symbols: Vec<String>,
}

/// What an ELF file says about how it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ElfFacts {
    /// 32 or 64.
    pub class: u8,
    /// Machine name as crossport's arch table spells it (`x86_64`, `aarch64`, `arm`).
    pub machine: String,
    pub endian: Endian,
    pub linkage: Linkage,
    /// The loader from `PT_INTERP` (`/lib64/ld-linux-x86-64.so.2`).
    pub interpreter: Option<String>,
    /// `DT_SONAME`, for shared libraries.
    pub soname: Option<String>,
    /// `DT_NEEDED` sonames in the order the loader searches them.
    pub needed: Vec<String>,
    /// `DT_RPATH` entries (split on `:`).
    pub rpath: Vec<String>,
    /// `DT_RUNPATH` entries (split on `:`).
    pub runpath: Vec<String>,
    /// Version requirements in `.gnu.version_r` order.
    pub version_needs: Vec<VersionNeed>,
}

/// Reads the facts from the bytes of an ELF file.
pub fn parse_elf(data: &[u8]) -> Result<ElfFacts, ElfError> {
    parse_elf_from(data)
}

/// Reads the facts through any `object` reader, e.g. a `ReadCache` over a
/// file, which fetches only the headers and tables inspect looks at.
pub fn parse_elf_from<'data, R: ReadRef<'data>>(data: R) -> Result<ElfFacts, ElfError> {
    let magic = data.read_bytes_at(0, 4).unwrap_or(&[]);
    if magic != b"\x7fELF" {
        let start = data
            .read_bytes_at(0, 4.min(data.len().unwrap_or(0)))
            .unwrap_or(&[]);
        return Err(ElfError::NotElf {
            magic: describe_magic(start),
        });
    }
    match FileKind::parse(data) {
        Ok(FileKind::Elf32) => parse_class::<elf::FileHeader32<Endianness>, R>(data, 32),
        Ok(FileKind::Elf64) => parse_class::<elf::FileHeader64<Endianness>, R>(data, 64),
        Ok(_) => Err(ElfError::Malformed("unknown ELF class".to_owned())),
        Err(err) => Err(err.into()),
    }
}

fn describe_magic(data: &[u8]) -> String {
    if data.is_empty() {
        return "nothing: the file is empty".to_owned();
    }
    let shown: Vec<String> = data.iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("bytes {}", shown.join(" "))
}

fn parse_class<'data, Elf: FileHeader<Endian = Endianness>, R: ReadRef<'data>>(
    data: R,
    class: u8,
) -> Result<ElfFacts, ElfError> {
    let header = Elf::parse(data)?;
    let endian = header.endian()?;
    let segments = header.program_headers(endian, data)?;
    let sections = header.sections(endian, data)?;
    let interpreter = find_interpreter::<Elf, R>(segments, endian, data)?;
    let dynamic = read_dynamic::<Elf, R>(segments, &sections, endian, data)?;
    let version_needs = read_version_needs::<Elf, R>(&sections, endian, data)?;
    let linkage = classify(
        header.e_type(endian),
        interpreter.is_some(),
        dynamic.as_ref(),
    );
    let dynamic = dynamic.unwrap_or_default();
    Ok(ElfFacts {
        class,
        machine: machine_name(header.e_machine(endian), class, endian),
        endian: if endian == Endianness::Little {
            Endian::Little
        } else {
            Endian::Big
        },
        linkage,
        interpreter,
        soname: dynamic.soname,
        needed: dynamic.needed,
        rpath: dynamic.rpath,
        runpath: dynamic.runpath,
        version_needs,
    })
}

/// The machine names of crossport's arch table (`DebianArch::elf_machine`).
fn machine_name(machine: elf::Machine, class: u8, endian: Endianness) -> String {
    let wide = class == 64;
    let name = match machine {
        elf::EM_X86_64 => "x86_64",
        elf::EM_386 => "x86",
        elf::EM_AARCH64 => "aarch64",
        elf::EM_ARM => "arm",
        elf::EM_RISCV if wide => "riscv64",
        elf::EM_RISCV => "riscv32",
        elf::EM_PPC64 if endian == Endianness::Little => "ppc64",
        elf::EM_PPC64 => "ppc64be",
        elf::EM_PPC => "ppc",
        elf::EM_S390 if wide => "s390x",
        elf::EM_S390 => "s390",
        elf::EM_MIPS if wide => "mips64",
        elf::EM_MIPS => "mips",
        elf::EM_LOONGARCH => "loongarch64",
        other => return format!("em_{}", other.0),
    };
    name.to_owned()
}

fn classify(file_type: elf::FileType, has_interp: bool, dynamic: Option<&DynamicInfo>) -> Linkage {
    if has_interp {
        return Linkage::Dynamic;
    }
    match file_type {
        elf::ET_EXEC => Linkage::Static,
        elf::ET_DYN => match dynamic {
            Some(info) if info.pie_flag => Linkage::StaticPie,
            Some(info) if info.soname.is_some() || !info.needed.is_empty() => {
                Linkage::SharedLibrary
            }
            _ => Linkage::StaticPie,
        },
        _ => Linkage::Other,
    }
}

fn find_interpreter<'data, Elf: FileHeader<Endian = Endianness>, R: ReadRef<'data>>(
    segments: &[Elf::ProgramHeader],
    endian: Endianness,
    data: R,
) -> Result<Option<String>, ElfError> {
    for segment in segments {
        if let Some(path) = segment.interpreter(endian, data)? {
            return Ok(Some(String::from_utf8_lossy(path).into_owned()));
        }
    }
    Ok(None)
}

/// The parts of the dynamic table inspect reports.
#[derive(Debug, Default)]
struct DynamicInfo {
    needed: Vec<String>,
    soname: Option<String>,
    rpath: Vec<String>,
    runpath: Vec<String>,
    pie_flag: bool,
}

/// Reads the dynamic table through the section headers, or through
/// `PT_DYNAMIC` and `DT_STRTAB` when the sections were stripped.
fn read_dynamic<'data, Elf: FileHeader<Endian = Endianness>, R: ReadRef<'data>>(
    segments: &[Elf::ProgramHeader],
    sections: &SectionTable<'data, Elf, R>,
    endian: Endianness,
    data: R,
) -> Result<Option<DynamicInfo>, ElfError> {
    if let Some((entries, link)) = sections.dynamic(endian, data)? {
        let strings = sections.strings(endian, data, link)?;
        return Ok(Some(collect_dynamic::<Elf, R>(entries, endian, strings)?));
    }
    for segment in segments {
        if let Some(entries) = segment.dynamic(endian, data)? {
            let strings = strings_from_segments::<Elf, R>(segments, entries, endian, data)?;
            return Ok(Some(collect_dynamic::<Elf, R>(entries, endian, strings)?));
        }
    }
    Ok(None)
}

fn strings_from_segments<'data, Elf: FileHeader<Endian = Endianness>, R: ReadRef<'data>>(
    segments: &[Elf::ProgramHeader],
    entries: &[Elf::Dyn],
    endian: Endianness,
    data: R,
) -> Result<StringTable<'data, R>, ElfError> {
    let value = |tag: elf::DynamicTag| {
        entries
            .iter()
            .find(|entry| entry.tag(endian) == tag)
            .map(|entry| entry.val(endian))
    };
    let (Some(address), Some(size)) = (value(elf::DT_STRTAB), value(elf::DT_STRSZ)) else {
        return Ok(StringTable::default());
    };
    let offset = segments
        .iter()
        .filter(|segment| segment.p_type(endian) == elf::PT_LOAD)
        .find_map(|segment| {
            let start: u64 = segment.p_vaddr(endian).into();
            let filesz: u64 = segment.p_filesz(endian).into();
            let file_offset: u64 = segment.p_offset(endian).into();
            (address >= start && address < start.saturating_add(filesz))
                .then(|| file_offset + (address - start))
        })
        .ok_or_else(|| ElfError::Malformed("DT_STRTAB is outside every segment".to_owned()))?;
    let end = offset
        .checked_add(size)
        .ok_or_else(|| ElfError::Malformed("DT_STRSZ overflows".to_owned()))?;
    if end > data.len().unwrap_or(0) {
        return Err(ElfError::Malformed(
            "dynamic string table runs past the end of the file".to_owned(),
        ));
    }
    Ok(StringTable::new(data, offset, end))
}

fn collect_dynamic<'data, Elf: FileHeader<Endian = Endianness>, R: ReadRef<'data>>(
    entries: &[Elf::Dyn],
    endian: Endianness,
    strings: StringTable<'data, R>,
) -> Result<DynamicInfo, ElfError> {
    let mut info = DynamicInfo::default();
    for entry in entries {
        let tag = entry.tag(endian);
        if tag == elf::DT_NULL {
            break;
        }
        let text = || -> Result<String, ElfError> {
            let bytes = entry.string(endian, strings)?;
            Ok(String::from_utf8_lossy(bytes).into_owned())
        };
        match tag {
            elf::DT_NEEDED => info.needed.push(text()?),
            elf::DT_SONAME => info.soname = Some(text()?),
            elf::DT_RPATH => info.rpath.extend(split_path(&text()?)),
            elf::DT_RUNPATH => info.runpath.extend(split_path(&text()?)),
            elf::DT_FLAGS_1 => info.pie_flag = entry.val(endian) & elf::DF_1_PIE.0 != 0,
            _ => {}
        }
    }
    Ok(info)
}

fn split_path(value: &str) -> Vec<String> {
    value
        .split(':')
        .filter(|part| !part.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Reads `.gnu.version_r` and maps each required version to the undefined
/// dynamic symbols that `.gnu.version` binds to it.
fn read_version_needs<'data, Elf: FileHeader<Endian = Endianness>, R: ReadRef<'data>>(
    sections: &SectionTable<'data, Elf, R>,
    endian: Endianness,
    data: R,
) -> Result<Vec<VersionNeed>, ElfError> {
    let Some((mut verneeds, link)) = sections.gnu_verneed(endian, data)? else {
        return Ok(Vec::new());
    };
    let strings = sections.strings(endian, data, link)?;
    let mut needs = Vec::new();
    let mut by_index: Vec<(u16, usize)> = Vec::new();
    while let Some((verneed, mut vernauxs)) = verneeds.next()? {
        let library = String::from_utf8_lossy(verneed.file(endian, strings)?).into_owned();
        while let Some(vernaux) = vernauxs.next()? {
            let version = String::from_utf8_lossy(vernaux.name(endian, strings)?).into_owned();
            by_index.push((vernaux.vna_other(endian).index().0, needs.len()));
            needs.push(VersionNeed {
                library: library.clone(),
                version,
                symbols: Vec::new(),
            });
        }
    }
    attach_symbols(sections, endian, data, &by_index, &mut needs)?;
    Ok(needs)
}

fn attach_symbols<'data, Elf: FileHeader<Endian = Endianness>, R: ReadRef<'data>>(
    sections: &SectionTable<'data, Elf, R>,
    endian: Endianness,
    data: R,
    by_index: &[(u16, usize)],
    needs: &mut [VersionNeed],
) -> Result<(), ElfError> {
    let Some((versyms, _)) = sections.gnu_versym(endian, data)? else {
        return Ok(());
    };
    let symbols = sections.symbols(endian, data, elf::SHT_DYNSYM)?;
    for (symbol, versym) in symbols.symbols().iter().zip(versyms) {
        if !symbol.is_undefined(endian) {
            continue;
        }
        let index = versym.0.get(endian).index().0;
        let Some(&(_, need)) = by_index.iter().find(|(i, _)| *i == index) else {
            continue;
        };
        let name = symbol.name(endian, symbols.strings())?;
        needs[need]
            .symbols
            .push(String::from_utf8_lossy(name).into_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_elf_input_is_a_typed_error() {
        assert_eq!(
            parse_elf(b"#!/bin/sh\necho hi\n"),
            Err(ElfError::NotElf {
                magic: "bytes 23 21 2f 62".to_owned()
            })
        );
        assert!(matches!(parse_elf(b""), Err(ElfError::NotElf { .. })));
    }

    #[test]
    fn truncated_headers_are_malformed_not_a_panic() {
        let mut header = b"\x7fELF\x02\x01\x01".to_vec();
        header.resize(20, 0);
        assert!(matches!(parse_elf(&header), Err(ElfError::Malformed(_))));
    }

    #[test]
    fn every_prefix_of_a_synthetic_header_is_handled() {
        // A 64-byte ELF64 header claiming program headers past the end.
        let mut header = vec![0u8; 64];
        header[..7].copy_from_slice(b"\x7fELF\x02\x01\x01");
        header[16] = 2; // ET_EXEC
        header[18] = 62; // EM_X86_64
        header[20] = 1;
        header[32] = 64; // e_phoff
        header[52] = 64; // e_ehsize
        header[54] = 56; // e_phentsize
        header[56] = 3; // e_phnum
        for len in 0..header.len() {
            let _ = parse_elf(&header[..len]);
        }
        assert!(parse_elf(&header).is_err());
    }

    #[test]
    fn the_test_binary_itself_parses() {
        let data = std::fs::read(std::env::current_exe().expect("test exe")).expect("read exe");
        let facts = parse_elf(&data).expect("the test binary is ELF");
        assert!(facts.class == 32 || facts.class == 64);
        assert!(!facts.needed.is_empty() || facts.linkage != Linkage::Dynamic);
    }

    fn test_binary() -> &'static [u8] {
        static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
        BYTES.get_or_init(|| {
            // A small dynamic binary with every table inspect reads; the
            // test executable itself (tens of MB) when there is none.
            std::fs::read("/bin/ls")
                .or_else(|_| std::fs::read(std::env::current_exe().expect("test exe")))
                .expect("read a binary")
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Corrupting any bytes of a real binary, or cutting it anywhere,
        /// yields facts or an error, never a panic.
        #[test]
        fn corrupted_binaries_never_panic(
            flips in proptest::collection::vec((0usize..1 << 20, proptest::prelude::any::<u8>()), 1..64),
            cut in 0usize..1 << 22,
        ) {
            let mut data = test_binary().to_vec();
            for (offset, byte) in flips {
                let len = data.len();
                data[offset % len] = byte;
            }
            let cut = cut.min(data.len());
            let _ = parse_elf(&data);
            let _ = parse_elf(&data[..cut]);
        }
    }
}
