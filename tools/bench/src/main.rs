//! `dext-compat-bench`: measures what dext-compat costs a dext against the
//! hand-written fixup in `tools/bench/reference`, prints a Markdown table of
//! every figure with its target, and exits with status 1 when a target is
//! missed (2 when a measurement could not run).
//!
//! `BENCHMARKS.md` at the workspace root lists the figures, the commands and
//! the machine they ran on.

mod build_time;
mod callgrind;
mod entries;
mod simulator;
mod size;

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use entries::Entry;

const USAGE: &str = "\
Usage: dext-compat-bench [--deterministic | --timings | --all]

Measures dext-compat against the hand-written C++ fixup and exits with status
1 when a figure misses its target, 2 when a measurement could not run.

  --deterministic  Instructions of one call (callgrind), heap allocations of
                   one call (simulator), and bytes added to the linked sample
                   dext per architecture. The default; what CI runs.
  --timings        Only the wall-clock times of a cold and a no-change build
                   of the universal DriverKit archive; empties
                   target/bench/build-time first.
  --all            Both.
  -h, --help       Print this help.

Build the probe first: `cargo build --release -p dext-compat-bench`
(scripts/bench.sh does both steps).
";

/// Instructions outside the runtime calls, as a multiple of the reference's.
const MAX_INSTRUCTION_RATIO: f64 = 1.5;
/// Bytes added to the linked sample, as a multiple of the reference's.
const MAX_SIZE_RATIO: f64 = 1.25;
const MAX_COLD_BUILD_SECONDS: f64 = 60.0;
const MAX_NO_CHANGE_BUILD_SECONDS: f64 = 2.0;

/// A measurement that could not run: the message names the value and the fix.
#[derive(Debug)]
pub struct Error(String);

impl Error {
    pub fn new(message: String) -> Error {
        Error(message)
    }

    pub fn io(path: &Path, error: std::io::Error) -> Error {
        Error(format!("{}: {error}", path.display()))
    }

    /// Reports a tool that could not be started, with how to install it.
    pub fn tool(tool: &str, error: std::io::Error, install: &str) -> Error {
        Error(format!("cannot run {tool}: {error}; {install}"))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

/// The measurements a run makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Selection {
    deterministic: bool,
    timings: bool,
}

fn parse_arguments(arguments: &[String]) -> Result<Option<Selection>, String> {
    match arguments {
        [] => Ok(Some(Selection {
            deterministic: true,
            timings: false,
        })),
        [flag] => match flag.as_str() {
            "--deterministic" => Ok(Some(Selection {
                deterministic: true,
                timings: false,
            })),
            "--timings" => Ok(Some(Selection {
                deterministic: false,
                timings: true,
            })),
            "--all" => Ok(Some(Selection {
                deterministic: true,
                timings: true,
            })),
            "-h" | "--help" => Ok(None),
            _ => Err(format!("unknown option `{flag}`\n\n{USAGE}")),
        },
        _ => Err(format!(
            "expected at most one option, got {arguments:?}\n\n{USAGE}"
        )),
    }
}

/// One row of the table.
struct Row {
    figure: String,
    measured: String,
    target: String,
    /// `None` for figures reported without a target.
    passed: Option<bool>,
}

impl Row {
    fn new(figure: impl Into<String>, measured: impl Into<String>) -> Row {
        Row {
            figure: figure.into(),
            measured: measured.into(),
            target: "(reported)".into(),
            passed: None,
        }
    }

    fn target(mut self, target: impl Into<String>, passed: bool) -> Row {
        self.target = target.into();
        self.passed = Some(passed);
        self
    }
}

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let selection = match parse_arguments(&arguments) {
        Ok(Some(selection)) => selection,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("dext-compat-bench: error: {message}");
            return ExitCode::from(2);
        }
    };

    match run(selection) {
        Ok(rows) => {
            print_table(&rows);
            let missed: Vec<&Row> = rows
                .iter()
                .filter(|row| row.passed == Some(false))
                .collect();
            if missed.is_empty() {
                println!("\nevery target met");
                ExitCode::SUCCESS
            } else {
                for row in &missed {
                    eprintln!(
                        "dext-compat-bench: target missed: {}: {} (target {})",
                        row.figure, row.measured, row.target
                    );
                }
                ExitCode::FAILURE
            }
        }
        Err(error) => {
            eprintln!("dext-compat-bench: error: {error}");
            ExitCode::from(2)
        }
    }
}

fn run(selection: Selection) -> Result<Vec<Row>, Error> {
    let workspace = workspace_root();
    let target_root = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(directory) => std::path::absolute(PathBuf::from(directory))
            .map_err(|error| Error::new(format!("CARGO_TARGET_DIR: {error}")))?,
        None => workspace.join("target"),
    };
    let out_dir = target_root.join("bench");
    std::fs::create_dir_all(&out_dir).map_err(|error| Error::io(&out_dir, error))?;

    let mut rows = Vec::new();
    if selection.deterministic {
        let probe = probe_path()?;
        rows.extend(instruction_rows(&probe, &out_dir)?);
        rows.extend(allocation_rows(&probe)?);
        rows.extend(size_rows(&workspace, &out_dir)?);
    }
    if selection.timings {
        rows.extend(build_time_rows(&workspace, &out_dir)?);
    }
    Ok(rows)
}

/// Returns the workspace this tool was built in.
fn workspace_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::fs::canonicalize(&root).unwrap_or(root)
}

/// Finds the probe binary, which cargo builds beside this one.
fn probe_path() -> Result<PathBuf, Error> {
    let exe = std::env::current_exe()
        .map_err(|error| Error::new(format!("cannot find this executable: {error}")))?;
    let probe = exe.with_file_name("dext-compat-bench-probe");
    if !probe.is_file() {
        return Err(Error::new(format!(
            "{} is missing; build it with `cargo build --release -p dext-compat-bench`",
            probe.display()
        )));
    }
    Ok(probe)
}

fn instruction_rows(probe: &Path, out_dir: &Path) -> Result<Vec<Row>, Error> {
    println!("counting instructions with callgrind ...");
    let mut measured = Vec::new();
    for entry in Entry::ALL {
        measured.push(simulator::measure_instructions(probe, out_dir, entry)?);
    }
    let reference = measured
        .iter()
        .find(|figures| figures.entry == Entry::Reference)
        .map(|figures| figures.own)
        .unwrap_or(0);

    let mut rows = Vec::new();
    for figures in &measured {
        let label = entry_label(figures.entry);
        let row = Row::new(
            format!("instructions outside the runtime calls, {label}"),
            figures.own.to_string(),
        );
        rows.push(if figures.entry == Entry::Reference {
            row
        } else {
            let ratio = ratio(figures.own, reference);
            let row = Row {
                measured: format!("{} ({ratio:.2}x)", figures.own),
                ..row
            };
            row.target(
                format!("<= {MAX_INSTRUCTION_RATIO}x reference ({reference})"),
                ratio <= MAX_INSTRUCTION_RATIO,
            )
        });
    }
    for figures in &measured {
        rows.push(Row::new(
            format!(
                "instructions in the runtime calls (copy, set, release; the floor), {}",
                entry_label(figures.entry)
            ),
            format!("{} of {} in total", figures.runtime, figures.total),
        ));
    }
    for figures in &measured {
        let row = Row::new(
            format!(
                "allocator calls seen by callgrind in one call, {}",
                entry_label(figures.entry)
            ),
            figures.allocator_calls.to_string(),
        );
        rows.push(if figures.entry == Entry::Reference {
            row
        } else {
            row.target("0", figures.allocator_calls == 0)
        });
    }
    println!(
        "callgrind profiles: {}",
        measured
            .iter()
            .map(|figures| figures.profile_path.display().to_string())
            .collect::<Vec<_>>()
            .join(" ")
    );
    Ok(rows)
}

fn allocation_rows(probe: &Path) -> Result<Vec<Row>, Error> {
    println!("counting heap allocations in the simulator ...");
    let counts = simulator::measure_allocations(probe)?;
    Ok(counts
        .into_iter()
        .map(|(entry, count)| {
            let row = Row::new(
                format!("heap allocations in one call, {}", entry_label(entry)),
                count.to_string(),
            );
            if entry == Entry::Reference {
                row
            } else {
                row.target("0", count == 0)
            }
        })
        .collect())
}

fn size_rows(workspace: &Path, out_dir: &Path) -> Result<Vec<Row>, Error> {
    let bench = size::SizeBench {
        workspace: workspace.to_path_buf(),
        target_root: out_dir.join("driverkit-target"),
        out_dir: out_dir.to_path_buf(),
    };
    println!("linking the sample dext three ways per architecture ...");
    let sizes = bench.run()?;

    let mut rows = Vec::new();
    for arch in &sizes {
        let helper = arch.helper_added();
        let reference = arch.reference_added();
        rows.push(Row::new(
            format!(
                "bytes the reference adds to the linked sample, {}",
                arch.arch
            ),
            format!("{reference} ({} -> {})", arch.without, arch.reference),
        ));
        let ratio = if reference > 0 {
            helper as f64 / reference as f64
        } else {
            f64::INFINITY
        };
        rows.push(
            Row::new(
                format!("bytes the helper adds to the linked sample, {}", arch.arch),
                format!(
                    "{helper} ({ratio:.2}x; {} -> {})",
                    arch.without, arch.helper
                ),
            )
            .target(
                format!("<= {MAX_SIZE_RATIO}x reference ({reference})"),
                ratio <= MAX_SIZE_RATIO,
            ),
        );
        rows.push(
            Row::new(
                format!(
                    "core and compiler_builtins members with code in the linked sample, {}",
                    arch.arch
                ),
                format!(
                    "{} ({} loaded by the linker, {} removed by -dead_strip)",
                    arch.live_rust_runtime.len(),
                    arch.loaded_rust_runtime.len(),
                    arch.loaded_rust_runtime.len() - arch.live_rust_runtime.len()
                ),
            )
            .target("0", arch.live_rust_runtime.is_empty()),
        );
        if !arch.live_rust_runtime.is_empty() {
            println!(
                "{}: members of core or compiler_builtins with live symbols: {}",
                arch.arch,
                arch.live_rust_runtime.join(" ")
            );
        }
    }
    Ok(rows)
}

fn build_time_rows(workspace: &Path, out_dir: &Path) -> Result<Vec<Row>, Error> {
    let times = build_time::measure(workspace, out_dir)?;
    let seconds = |duration: std::time::Duration| duration.as_secs_f64();
    Ok(vec![
        Row::new(
            "cold build of the universal archive (Xcode phase script, empty target dir)",
            format!("{:.1} s", seconds(times.cold)),
        )
        .target(
            format!("< {MAX_COLD_BUILD_SECONDS} s"),
            seconds(times.cold) < MAX_COLD_BUILD_SECONDS,
        ),
        Row::new(
            "no-change build (Xcode phase script)",
            format!("{:.2} s", seconds(times.no_change_script)),
        )
        .target(
            format!("< {MAX_NO_CHANGE_BUILD_SECONDS} s"),
            seconds(times.no_change_script) < MAX_NO_CHANGE_BUILD_SECONDS,
        ),
        Row::new(
            "no-change build (driverkit-build --no-sample, without the script's stamp)",
            format!("{:.2} s", seconds(times.no_change_tool)),
        )
        .target(
            format!("< {MAX_NO_CHANGE_BUILD_SECONDS} s"),
            seconds(times.no_change_tool) < MAX_NO_CHANGE_BUILD_SECONDS,
        ),
    ])
}

fn entry_label(entry: Entry) -> &'static str {
    match entry {
        Entry::Reference => "reference C++",
        Entry::CAbi => "helper (C ABI)",
        Entry::Cxx => "helper (cxx)",
    }
}

fn ratio(value: u64, base: u64) -> f64 {
    if base == 0 {
        f64::INFINITY
    } else {
        value as f64 / base as f64
    }
}

fn print_table(rows: &[Row]) {
    println!("\n| figure | measured | target | result |");
    println!("|---|---|---|---|");
    for row in rows {
        let result = match row.passed {
            Some(true) => "met",
            Some(false) => "MISSED",
            None => "",
        };
        println!(
            "| {} | {} | {} | {result} |",
            row.figure, row.measured, row.target
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(words: &[&str]) -> Vec<String> {
        words.iter().map(|word| word.to_string()).collect()
    }

    #[test]
    fn arguments_default_to_deterministic() {
        let selection = parse_arguments(&[]).unwrap().unwrap();
        assert!(selection.deterministic);
        assert!(!selection.timings);
    }

    #[test]
    fn arguments_select_timings() {
        let timings = parse_arguments(&strings(&["--timings"])).unwrap().unwrap();
        assert!(!timings.deterministic);
        assert!(timings.timings);
        let all = parse_arguments(&strings(&["--all"])).unwrap().unwrap();
        assert!(all.deterministic);
        assert!(all.timings);
    }

    #[test]
    fn arguments_reject_unknown() {
        let error = parse_arguments(&strings(&["--fast"])).unwrap_err();
        assert!(error.contains("`--fast`"), "{error}");
        assert!(parse_arguments(&strings(&["--all", "--timings"])).is_err());
    }
}
