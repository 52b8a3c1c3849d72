//! Times a project audit of a generated 1,000-file dext tree.
//!
//! Run with `cargo bench -p dext-audit`. It prints the wall time of each run and
//! the median; it asserts nothing, because timings depend on the machine.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use dext_audit::{Options, audit_path};

/// Files in the generated tree: one .iig and one .cpp per class, 500 classes.
const CLASSES: usize = 500;
const RUNS: usize = 7;

/// Writes a tree shaped like a large dext repository: a folder per driver with
/// user clients and providers, about 3 KiB per file.
fn generate_tree(root: &Path) {
    for index in 0..CLASSES {
        let folder = root.join(format!("Driver{:02}", index / 50));
        fs::create_dir_all(&folder).unwrap();
        let is_user_client = index % 2 == 0;
        let (class, base) = if is_user_client {
            (format!("Client{index}"), "IOUserClient")
        } else {
            (format!("Service{index}"), "IOService")
        };

        let mut iig = format!(
            "// {class}.iig: generated for the benchmark.\n#include <DriverKit/{base}.iig>\n\n\
             class {class} : public {base}\n{{\npublic:\n    virtual bool init() override;\n\
             virtual kern_return_t Start(IOService *provider) override LOCAL;\n"
        );
        for method in 0..20 {
            let _ = writeln!(
                iig,
                "    kern_return_t Method{method}(uint64_t value) LOCALONLY;"
            );
        }
        iig.push_str("};\n");
        fs::write(folder.join(format!("{class}.iig")), iig).unwrap();

        let mut cpp = format!("// {class}.cpp\n#include \"{class}.h\"\n\n");
        for method in 0..20 {
            let _ = writeln!(
                cpp,
                "kern_return_t {class}::Method{method}(uint64_t value)\n{{\n    \
                 /* Keeps the value in range. */\n    if (value > {method}) {{\n        \
                 return kIOReturnBadArgument;\n    }}\n    return kIOReturnSuccess;\n}}\n"
            );
        }
        let fix = if is_user_client && index % 4 == 0 {
            "    ret = dext_compat::ensure_external_method_queue(*this);\n"
        } else {
            ""
        };
        let _ = write!(
            cpp,
            "bool {class}::init()\n{{\n    return super::init();\n}}\n\n\
             kern_return_t IMPL({class}, Start)\n{{\n    kern_return_t ret = Start(provider, SUPERDISPATCH);\n\
             {fix}    return ret;\n}}\n"
        );
        fs::write(folder.join(format!("{class}.cpp")), cpp).unwrap();
    }
}

fn main() {
    let dir = tempfile::tempdir().expect("create a temporary folder");
    generate_tree(dir.path());
    let (files, bytes) = tree_size(dir.path());
    println!("tree: {files} files, {} KiB", bytes / 1024);

    let mut times: Vec<Duration> = Vec::new();
    for run in 0..RUNS {
        let start = Instant::now();
        let report = audit_path(dir.path(), &Options::default());
        let elapsed = start.elapsed();
        let clients: usize = report.targets.iter().map(|t| t.user_clients.len()).sum();
        println!(
            "run {run}: {files} files, {clients} user clients, {} at risk, {:.1} ms",
            report.summary.at_risk,
            elapsed.as_secs_f64() * 1000.0
        );
        times.push(elapsed);
    }
    times.sort();
    println!(
        "median of {RUNS} runs: {:.1} ms on {} cores",
        times[RUNS / 2].as_secs_f64() * 1000.0,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
}

/// Counts the files and bytes in the two-level generated tree.
fn tree_size(root: &Path) -> (usize, u64) {
    let mut files = 0;
    let mut bytes = 0;
    for folder in fs::read_dir(root).unwrap().flatten() {
        for file in fs::read_dir(folder.path()).unwrap().flatten() {
            files += 1;
            bytes += file.metadata().map_or(0, |m| m.len());
        }
    }
    (files, bytes)
}
