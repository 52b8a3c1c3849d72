//! Command-line entry point of `dext-audit`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use dext_audit::version::Version;

/// Finds the DriverKit user clients that abort on macOS 10.15 and 11 because
/// their ExternalMethod queue is never set.
///
/// Exit status: 0 when nothing is at risk, 1 when something is, 2 for bad input.
#[derive(Debug, Parser)]
#[command(name = "dext-audit", version)]
struct Cli {
    /// A dext project folder, a built .dext bundle, or a dext executable.
    path: PathBuf,

    /// Print the report as JSON (schema version 1, described in the README).
    #[arg(long)]
    json: bool,

    /// The DriverKit SDK version the project builds with, such as 21.0. Without
    /// it, `xcrun` is asked on macOS; elsewhere 21.0 or later is assumed.
    #[arg(long, value_name = "VERSION", value_parser = parse_version)]
    sdk_version: Option<Version>,

    /// A macro to treat as defined, NAME or NAME=VALUE, as with -D.
    /// May be repeated.
    #[arg(short = 'D', long = "define", value_name = "NAME[=VALUE]")]
    defines: Vec<String>,
}

fn parse_version(text: &str) -> Result<Version, String> {
    Version::parse(text)
        .ok_or_else(|| format!("invalid version {text:?}; expected a form like 21.0"))
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let is_help = matches!(
                error.kind(),
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion
            );
            let _ = error.print();
            return ExitCode::from(if is_help { 0 } else { 2 });
        }
    };

    let options = dext_audit::Options {
        sdk_version: cli.sdk_version,
        defines: cli.defines,
        use_xcrun: true,
    };
    let report = dext_audit::audit_path(&cli.path, &options);

    if cli.json {
        match serde_json::to_string_pretty(&report) {
            Ok(json) => println!("{json}"),
            Err(error) => {
                eprintln!("dext-audit: cannot encode the report as JSON: {error}");
                return ExitCode::from(2);
            }
        }
    } else {
        print!("{}", dext_audit::text::render(&report));
    }
    ExitCode::from(u8::try_from(report.exit_code).unwrap_or(2))
}
