//! Output conventions shared by every subcommand: `--format`, colour, errors
//! and exit codes.

use std::io::Write;
use std::process::ExitCode;

/// `--format human|json`, accepted by every subcommand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Text for people, coloured on a terminal.
    #[default]
    Human,
    /// One JSON document on stdout, for scripts.
    Json,
}

/// `--color auto|always|never`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Applies the colour choice to every later write through `anstream`.
pub fn init_color(choice: ColorChoice) {
    let choice = match choice {
        ColorChoice::Auto => anstream::ColorChoice::Auto,
        ColorChoice::Always => anstream::ColorChoice::Always,
        ColorChoice::Never => anstream::ColorChoice::Never,
    };
    choice.write_global();
}

/// An error caused by what the user gave us (bad usage, unreadable input):
/// the process exits with status 2 instead of 1.
#[derive(Debug)]
pub struct InputError(pub String);

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

/// Prints an error and its causes, one per line and each once, and picks
/// the exit code.
pub fn report_error(err: &anyhow::Error) -> ExitCode {
    let red = anstyle::Style::new()
        .bold()
        .fg_color(Some(anstyle::AnsiColor::Red.into()));
    let mut stderr = anstream::stderr().lock();
    // One message per line, each cause once (see crossport_driver::report).
    let lines = crossport_driver::report::causes(err.chain());
    let mut lines = lines.iter();
    let first = lines.next().map_or("unknown error", String::as_str);
    let _ = writeln!(stderr, "{red}error{red:#}: {first}");
    for cause in lines {
        let _ = writeln!(stderr, "  caused by: {cause}");
    }
    if err.chain().any(|cause| cause.is::<InputError>()) {
        ExitCode::from(2)
    } else {
        ExitCode::from(1)
    }
}

/// Writes a command's public document (docs/json.md) as pretty JSON on
/// stdout, with its `schema_version`, followed by a newline.
pub fn print_json<T: crossport_json::Body>(body: T) -> anyhow::Result<()> {
    let mut stdout = anstream::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, &crossport_json::Document::new(body))?;
    writeln!(stdout)?;
    Ok(())
}
