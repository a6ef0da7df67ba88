// A terminal's line wrapping, for tests: shared by the explain unit tests
// (through `include!`) and the tune robustness tests.

/// Splits every line longer than `width` characters into lines of `width`,
/// as a terminal that wraps (and a copy from it) does.
pub fn wrap_at(text: &str, width: usize) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let chars: Vec<char> = line.chars().collect();
        if chars.is_empty() {
            out.push('\n');
        }
        for piece in chars.chunks(width) {
            out.extend(piece);
            out.push('\n');
        }
    }
    out
}
