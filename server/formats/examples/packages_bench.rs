//! Benchmark: parsing a Packages index against decompressing it.
//!
//! `cargo run --release -p crossport-formats --example packages_bench -- Packages.xz [runs]`
//!
//! Decompresses the file with liblzma and parses it with `PackageIndex`
//! in the same process, `runs` times (default 7), and prints the median of
//! each, so both see the same machine load. The numbers go to
//! docs/performance.md; no test asserts a timing.

use std::io::Read;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use crossport_formats::packages::PackageIndex;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: packages_bench <Packages.xz> [runs]");
        return ExitCode::from(2);
    };
    let runs = args
        .next()
        .and_then(|runs| runs.parse().ok())
        .unwrap_or(7usize)
        .max(1);
    let compressed = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("error: cannot read {path}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let (mut decompress, mut parse) = (Vec::new(), Vec::new());
    let mut summary = String::new();
    for _ in 0..runs {
        let started = Instant::now();
        let mut text = String::new();
        if let Err(error) =
            liblzma::read::XzDecoder::new(compressed.as_slice()).read_to_string(&mut text)
        {
            eprintln!("error: {path} does not decompress: {error}");
            return ExitCode::FAILURE;
        }
        decompress.push(started.elapsed());
        let started = Instant::now();
        let (index, errors) = PackageIndex::parse(&text);
        parse.push(started.elapsed());
        summary = format!(
            "{} bytes xz, {} bytes text, {} packages, {} errors",
            compressed.len(),
            text.len(),
            index.len(),
            errors.len()
        );
        std::hint::black_box(index);
    }
    println!("{summary}");
    println!(
        "{runs} runs: xz decompression median {:.0} ms, parse median {:.0} ms",
        median(decompress).as_secs_f64() * 1000.0,
        median(parse).as_secs_f64() * 1000.0
    );
    ExitCode::SUCCESS
}
