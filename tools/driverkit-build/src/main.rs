//! `driverkit-build`: builds `libdext_compat.a` for the arm64 and x86_64
//! DriverKit targets, joins them into one universal archive, installs the
//! headers, and checks the result. `driverkit-build --help` lists the
//! settings; every failure exits with status 1 and a message naming the
//! value at fault and the fix.

mod arch;
mod cargo_build;
mod compiler;
mod error;
mod headers;
mod macho_check;
mod panic_check;
mod pipeline;
mod sample;
mod sdk;
mod settings;
mod target_spec;
mod tools;
mod version;

use std::process::ExitCode;

use settings::{Command, Settings, USAGE};

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();

    // The wrapper scripts that cc-rs calls as the compiler come back here.
    if arguments.first().map(String::as_str) == Some("compile") {
        return match compiler::run_wrapped(&arguments[1..]) {
            Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
            Err(error) => {
                eprintln!("driverkit-build compile: error: {error}");
                ExitCode::FAILURE
            }
        };
    }

    let environment = |name: &str| std::env::var(name).ok();
    let result = Settings::parse(&arguments, &environment).and_then(|command| match command {
        Command::Help => {
            print!("{USAGE}");
            Ok(())
        }
        Command::Build(settings) => pipeline::run(&settings),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("driverkit-build: error: {error}");
            ExitCode::FAILURE
        }
    }
}
