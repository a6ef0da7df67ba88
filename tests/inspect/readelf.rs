//! The reference: what GNU binutils' `readelf` says about a file, parsed
//! from its text output (`-h`, `-l`, `-d`, `-V`, `--dyn-syms`).

use std::path::Path;
use std::process::Command;

pub struct ReadelfFacts {
    pub class: u8,
    pub machine: &'static str,
    pub interpreter: Option<String>,
    pub needed: Vec<String>,
    pub runpath: Vec<String>,
    /// (library, version) from `.gnu.version_r`.
    pub version_needs: Vec<(String, String)>,
}

impl ReadelfFacts {
    pub fn highest_glibc(&self) -> Option<String> {
        self.version_needs
            .iter()
            .filter_map(|(_, version)| version.strip_prefix("GLIBC_"))
            .filter_map(|version| {
                let parts: Option<Vec<u32>> = version.split('.').map(|p| p.parse().ok()).collect();
                parts.map(|parts| (parts, version.to_owned()))
            })
            .max()
            .map(|(_, text)| text)
    }
}

fn readelf(args: &[&str], path: &Path) -> String {
    let output = Command::new("readelf")
        .args(["-W"])
        .args(args)
        .arg(path)
        .env("LC_ALL", "C")
        .output()
        .expect("readelf runs (binutils is installed)");
    assert!(output.status.success(), "readelf {args:?} failed");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn header_field(header: &str, key: &str) -> String {
    header
        .lines()
        .find_map(|line| line.trim().strip_prefix(key))
        .map(|rest| rest.trim().to_owned())
        .unwrap_or_else(|| panic!("readelf -h has no {key}"))
}

pub fn file_type(path: &Path) -> String {
    let header = readelf(&["-h"], path);
    let value = header_field(&header, "Type:");
    value
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned()
}

pub fn facts(path: &Path) -> ReadelfFacts {
    let header = readelf(&["-h"], path);
    let class = match header_field(&header, "Class:").as_str() {
        "ELF64" => 64,
        "ELF32" => 32,
        other => panic!("unknown class {other}"),
    };
    let machine = match header_field(&header, "Machine:").as_str() {
        "Advanced Micro Devices X86-64" => "x86_64",
        "AArch64" => "aarch64",
        "ARM" => "arm",
        "Intel 80386" => "x86",
        "RISC-V" => "riscv64",
        other => panic!("machine {other} is not in the test's table"),
    };
    let segments = readelf(&["-l"], path);
    let interpreter = segments.lines().find_map(|line| {
        let rest = line.split("[Requesting program interpreter: ").nth(1)?;
        Some(rest.trim_end().trim_end_matches(']').to_owned())
    });
    let dynamic = readelf(&["-d"], path);
    let bracketed = |tag: &str| -> Vec<String> {
        dynamic
            .lines()
            .filter(|line| line.contains(&format!("({tag})")))
            .filter_map(|line| {
                let start = line.find('[')?;
                let end = line.rfind(']')?;
                Some(line[start + 1..end].to_owned())
            })
            .collect()
    };
    let runpath = bracketed("RUNPATH")
        .iter()
        .flat_map(|value| value.split(':').map(str::to_owned).collect::<Vec<_>>())
        .collect();
    ReadelfFacts {
        class,
        machine,
        interpreter,
        needed: bracketed("NEEDED"),
        runpath,
        version_needs: version_needs(&readelf(&["-V"], path)),
    }
}

/// Parses the `.gnu.version_r` part of `readelf -V`:
/// `  0x0010: Version: 1  File: libc.so.6  Cnt: 3` then
/// `  0x0020:   Name: GLIBC_2.34  Flags: none  Version: 5`.
fn version_needs(text: &str) -> Vec<(String, String)> {
    let mut needs = Vec::new();
    let mut in_section = false;
    let mut library = String::new();
    for line in text.lines() {
        if line.starts_with("Version needs section") {
            in_section = true;
            continue;
        }
        if line.starts_with("Version") || line.starts_with("Displaying") {
            in_section = false;
        }
        if !in_section {
            continue;
        }
        if let Some(rest) = line.split("File: ").nth(1) {
            library = rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned();
        } else if let Some(rest) = line.split("Name: ").nth(1) {
            let name = rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned();
            needs.push((library.clone(), name));
        }
    }
    needs
}

/// Dynamic symbols readelf shows bound to `symbol@VERSION`.
pub fn symbols_with_version(path: &Path, version: &str) -> Vec<String> {
    let text = readelf(&["--dyn-syms"], path);
    text.lines()
        .filter_map(|line| line.split_whitespace().nth(7))
        .filter_map(|name| {
            let (symbol, bound) = name.split_once('@')?;
            let bound = bound.trim_start_matches('@');
            let bound = bound.split_whitespace().next().unwrap_or(bound);
            let bound = bound.split(" (").next().unwrap_or(bound);
            (bound == version).then(|| symbol.to_owned())
        })
        .collect()
}
