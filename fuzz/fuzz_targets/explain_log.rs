//! Fuzzes the cargo log reader and the whole explain pipeline: any bytes
//! must be read without panicking, and what comes out must be consistent
//! (line numbers in range and in order, evidence inside the input, and a
//! finding for every log with an `error` line).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let log = crossport_formats::cargo_log::read(input);
    let input_lines = input.split(|b| *b == b'\n').count() as u32;
    let mut previous = 0;
    for line in &log.lines {
        assert!(line.number >= previous, "line numbers go backwards");
        assert!(
            line.number >= 1 && line.number <= input_lines,
            "line number out of range"
        );
        previous = line.number;
    }
    for block in &log.build_scripts {
        assert!(block.lines.start < block.lines.end && block.lines.end <= log.lines.len());
    }
    let findings = crossport_analysis::explain::explain_log(&log, None);
    for finding in &findings {
        if let Some([first, last]) = finding.evidence.lines {
            assert!(
                1 <= first && first <= last && last <= input_lines,
                "evidence out of range"
            );
        }
        assert!(!finding.message.is_empty());
    }
    // A log with an `error:` line never gets an empty answer.
    let has_error_line = log.lines.iter().any(|line| {
        let content = line.content().to_ascii_lowercase();
        content.starts_with("error:") || content.starts_with("error[")
    });
    assert!(
        !has_error_line || !findings.is_empty(),
        "a log with an error line got no finding"
    );
});
