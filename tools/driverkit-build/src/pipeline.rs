//! The build: settings and tools, one cargo build for all architectures, the
//! universal archive and headers, the checks, and the publication of the
//! outputs once everything has passed.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::arch::Arch;
use crate::cargo_build::{BuiltArchive, CargoBuild, TargetBuild};
use crate::error::{Error, Result};
use crate::macho_check::{self, ArchiveReport, platform_name};
use crate::sample::{SAMPLE_NAME, SampleLink};
use crate::sdk::Sdk;
use crate::settings::{Configuration, Settings};
use crate::version::Version;
use crate::{compiler, headers, target_spec, tools};

/// The archive name that a dext target links with `-ldext_compat`.
const ARCHIVE_NAME: &str = "libdext_compat.a";

/// The outputs under the output directory, replaced together at the end.
const OUTPUTS: [&str; 5] = ["include", "sample-dext", "arm64", "x86_64", "universal"];

pub fn run(settings: &Settings) -> Result<()> {
    let started = Instant::now();

    // Resolve the directories.
    let workspace = workspace_root()?;
    let target_root = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(directory) => absolute(Path::new(&directory))?,
        None => workspace.join("target"),
    };
    let tool_dir = target_root.join("driverkit-build");
    if tool_dir.to_string_lossy().chars().any(char::is_whitespace) {
        return Err(Error::Input(format!(
            "the cargo target directory {} contains whitespace, which cc-rs cannot pass in \
             CXX_<target>; set CARGO_TARGET_DIR to a path without spaces",
            target_root.display()
        )));
    }
    let out_dir = match &settings.out_dir {
        Some(directory) => absolute(directory)?,
        None => target_root.join("driverkit"),
    };

    // Resolve the SDK and the minimum version of each architecture.
    let sdk = Sdk::resolve(settings.sdk.as_ref(), &workspace)?;
    if let Some(requested) = &settings.deployment_target {
        sdk.check_deployment_target(requested)?;
    }
    let mut targets: Vec<(Arch, Version)> = Vec::new();
    for &arch in &settings.archs {
        let (minimum, raised) = settings.minimum_version(arch);
        if raised {
            println!(
                "note: building {arch} for DriverKit {minimum}, the first version on Apple silicon, \
                 instead of the requested {}; clang does the same for the dext's own C++",
                settings
                    .deployment_target
                    .as_ref()
                    .map_or(minimum, |requested| requested.value)
            );
        }
        targets.push((arch, minimum));
    }
    println!(
        "SDK: DriverKit {} at {}{}",
        sdk.version,
        sdk.root.display(),
        if sdk.is_mock { " (mock)" } else { "" }
    );

    // Find the tools before any work starts.
    let toolchain = tools::find_rust_toolchain()?;
    let c_compiler = tools::find_c_compiler()?;
    let ar = if cfg!(target_os = "macos") {
        None
    } else {
        Some(tools::find_ar()?)
    };
    let lipo = tools::find_lipo()?;
    let ld64_lld = if settings.sample {
        Some(tools::find_ld64_lld()?)
    } else {
        None
    };
    println!(
        "Rust: {} ({})",
        toolchain.version,
        toolchain.rustc.display()
    );
    println!("C/C++: {}", c_compiler.command.join(" "));

    // Remove the previous outputs, so that a failed build leaves none that
    // look complete, and build into a staging directory.
    for name in OUTPUTS {
        remove_if_exists(&out_dir.join(name))?;
    }
    // The process id keeps concurrent runs from sharing a staging directory.
    let staging =
        Staging::create(&out_dir.join(format!(".driverkit-build-partial-{}", std::process::id())))?;
    for directory in ["spec", "wrappers", "cargo"] {
        create_dir(&tool_dir.join(directory))?;
    }

    // Build every architecture in one cargo invocation.
    let build_started = Instant::now();
    let wrappers = tool_dir.join("wrappers");
    let mut target_builds = Vec::new();
    for &(arch, minimum) in &targets {
        target_builds.push(TargetBuild {
            arch,
            minimum,
            target_spec: target_spec::write(&toolchain, arch, &tool_dir.join("spec"))?,
            cc_wrapper: compiler::write_wrapper(&wrappers, &c_compiler, false, arch, minimum)?,
            cxx_wrapper: compiler::write_wrapper(&wrappers, &c_compiler, true, arch, minimum)?,
        });
    }
    let results = CargoBuild {
        toolchain: &toolchain,
        workspace: &workspace,
        target_dir: &tool_dir.join("cargo"),
        targets: &target_builds,
        configuration: settings.configuration,
        sdk: &sdk,
        ar: ar.as_deref(),
    }
    .run()?;
    let mut built: Vec<(Arch, Version, BuiltArchive)> = Vec::new();
    for (&(arch, minimum), result) in targets.iter().zip(results) {
        copy_file(
            &result.archive,
            &staging.path.join(arch.xcode_name()).join(ARCHIVE_NAME),
        )?;
        built.push((arch, minimum, result));
    }
    let built_names: Vec<String> = built
        .iter()
        .map(|(arch, minimum, _)| format!("{arch} (DriverKit {minimum})"))
        .collect();
    println!(
        "built {} in {:.1} s",
        built_names.join(" and "),
        build_started.elapsed().as_secs_f64()
    );

    // Join the architectures and install the headers.
    let universal = staging.path.join("universal").join(ARCHIVE_NAME);
    let thin: Vec<PathBuf> = built
        .iter()
        .map(|(arch, _, _)| staging.path.join(arch.xcode_name()).join(ARCHIVE_NAME))
        .collect();
    lipo_create(&lipo, &thin, &universal)?;
    let include = staging.path.join("include");
    let installed = headers::install(&workspace, &built[0].2.library_out_dir, &include)?;
    println!("headers: {}", installed.join(", "));

    // Check every member of every archive. Only release objects must be
    // free of panics: a Debug build keeps Rust's overflow and bounds checks,
    // which abort the dext when they fail, as debug builds are meant to.
    let check_panics = settings.configuration == Configuration::Release;
    if check_panics {
        println!("checking that the helper's objects refer to no panic entry point of core");
    } else {
        println!(
            "note: Debug build: the helper keeps Rust's debug checks, so the no-panic check is skipped"
        );
    }
    let mut reports: Vec<(String, ArchiveReport)> = Vec::new();
    for ((arch, minimum, _), path) in built.iter().zip(&thin) {
        reports.push((
            format!("{arch}/{ARCHIVE_NAME}"),
            macho_check::check_archive(path, *arch, *minimum, check_panics)?,
        ));
    }
    for report in macho_check::check_universal_archive(&universal, &targets, check_panics)? {
        reports.push((
            format!("universal/{ARCHIVE_NAME} ({})", report.arch),
            report,
        ));
    }
    print_archive_reports(&reports);

    // Link the sample dext for each architecture.
    if let Some(ld64_lld) = &ld64_lld {
        link_samples(
            &workspace,
            &tool_dir,
            &staging.path,
            &sdk,
            &c_compiler,
            ld64_lld,
            &lipo,
            &built,
        )?;
    }

    // Everything passed: publish the outputs.
    staging.publish(&out_dir)?;
    println!(
        "universal archive: {}",
        out_dir.join("universal").join(ARCHIVE_NAME).display()
    );
    println!("headers: {}", out_dir.join("include").display());
    println!(
        "driverkit-build finished in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Compiles and links the sample for every built architecture, prints the
/// bytes the library adds, and joins the linked samples into the bundle.
#[allow(clippy::too_many_arguments)]
fn link_samples(
    workspace: &Path,
    tool_dir: &Path,
    staging: &Path,
    sdk: &Sdk,
    c_compiler: &tools::CCompiler,
    ld64_lld: &Path,
    lipo: &Path,
    built: &[(Arch, Version, BuiltArchive)],
) -> Result<()> {
    // The sample has no iig, so it always compiles against a mock SDK.
    let sample_sdk = if sdk.is_mock {
        sdk.clone()
    } else {
        Sdk::open(
            &workspace.join("tests/mock-sdk/DriverKit25.0.sdk"),
            "the sample's mock SDK",
        )?
    };
    let sdk_include = tool_dir.join("sample-sdk-include");
    create_dir(&sdk_include)?;
    let link = sdk_include.join("DriverKit");
    remove_if_exists(&link)?;
    symlink(&sample_sdk.framework_headers(), &link)?;

    let sample = SampleLink {
        workspace,
        compiler: c_compiler,
        ld64_lld,
        sdk: &sample_sdk,
        sdk_include: &sdk_include,
        library_include: &staging.join("include"),
        stubs_dir: &workspace.join("tests/driverkit-stubs"),
    };
    let mut executables = Vec::new();
    for (arch, minimum, _) in built {
        let archive = staging.join(arch.xcode_name()).join(ARCHIVE_NAME);
        let work_dir = tool_dir
            .join(format!("sample-{}", std::process::id()))
            .join(arch.xcode_name());
        remove_if_exists(&work_dir)?;
        let output = staging
            .join("sample-dext")
            .join(arch.xcode_name())
            .join(SAMPLE_NAME);
        let report = sample.run(*arch, *minimum, &archive, &work_dir, &output)?;

        let added =
            report.with_library.section_bytes as i64 - report.without_library.section_bytes as i64;
        println!(
            "sample dext {arch}: the helper adds {added} bytes of sections ({} -> {}; file {} -> {} bytes)",
            report.without_library.section_bytes,
            report.with_library.section_bytes,
            report.without_library.file_bytes,
            report.with_library.file_bytes,
        );
        println!("  imports: {}", report.with_library.imports.join(" "));
        if report.allow_list_checked.is_empty() {
            println!(
                "  the library imports nothing with DriverKit {} headers, so no stub symbol was dropped",
                sample_sdk.version
            );
        } else {
            println!(
                "  the link fails, as required, without any of the library's own imports in the stubs: {}",
                report.allow_list_checked.join(" ")
            );
        }
        if !report.unused_stub_symbols.is_empty() {
            println!(
                "  note: stub symbols not imported on {arch}: {}",
                report.unused_stub_symbols.join(" ")
            );
        }
        executables.push(output);
    }
    remove_if_exists(&tool_dir.join(format!("sample-{}", std::process::id())))?;

    // The universal sample, where the dext audit tool reads it.
    let bundle = staging
        .join("sample-dext")
        .join(format!("{SAMPLE_NAME}.dext"));
    lipo_create(lipo, &executables, &bundle.join(SAMPLE_NAME))?;
    let info_plist = workspace.join("examples/sample-dext/dext/Info.plist");
    if info_plist.is_file() {
        copy_file(&info_plist, &bundle.join("Info.plist"))?;
    }
    Ok(())
}

/// Prints each archive's members, grouped by the crate or C++ source they
/// come from, with their platform and minimum version.
fn print_archive_reports(reports: &[(String, ArchiveReport)]) {
    for (label, report) in reports {
        println!(
            "{label}: {} members, each with LC_BUILD_VERSION and no unwinding references",
            report.members.len()
        );
        let mut groups: Vec<(String, u32, Version, usize)> = Vec::new();
        for member in &report.members {
            let source = member_source(&member.name);
            match groups.iter_mut().find(|(name, platform, minimum, _)| {
                *name == source && *platform == member.platform && *minimum == member.minimum
            }) {
                Some(group) => group.3 += 1,
                None => groups.push((source, member.platform, member.minimum, 1)),
            }
        }
        for (source, platform, minimum, count) in groups {
            println!(
                "  {source:<24} {count:>3} member(s)  platform {}  minos {minimum}",
                platform_name(platform)
            );
        }
    }
}

/// Returns the crate (`core-1a2b.core.3c4d-cgu.0.rcgu.o` -> `core`) or the
/// C++ object (`57d1...-shims.o` -> `shims.o`) that an archive member is.
fn member_source(name: &str) -> String {
    match name.split_once('-') {
        Some((prefix, rest))
            if prefix.len() == 16 && prefix.bytes().all(|byte| byte.is_ascii_hexdigit()) =>
        {
            rest.to_string()
        }
        Some((prefix, _)) => prefix.to_string(),
        None => name.to_string(),
    }
}

/// The staging directory; removed on drop unless published.
struct Staging {
    path: PathBuf,
    published: bool,
}

impl Staging {
    fn create(path: &Path) -> Result<Self> {
        remove_if_exists(path)?;
        create_dir(path)?;
        Ok(Staging {
            path: path.to_path_buf(),
            published: false,
        })
    }

    /// Moves each output into `out_dir`, the universal archive last.
    fn publish(mut self, out_dir: &Path) -> Result<()> {
        for name in OUTPUTS {
            let source = self.path.join(name);
            if source.exists() {
                let destination = out_dir.join(name);
                remove_if_exists(&destination)?;
                fs::rename(&source, &destination)
                    .map_err(|error| Error::io(&destination, error))?;
            }
        }
        self.published = true;
        fs::remove_dir_all(&self.path).map_err(|error| Error::io(&self.path, error))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.published {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// The workspace that this tool was built from.
fn workspace_root() -> Result<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().map_err(|error| Error::io(&root, error))
}

fn absolute(path: &Path) -> Result<PathBuf> {
    std::path::absolute(path).map_err(|error| Error::io(path, error))
}

fn create_dir(path: &Path) -> Result<()> {
    fs::create_dir_all(path).map_err(|error| Error::io(path, error))
}

fn remove_if_exists(path: &Path) -> Result<()> {
    let result = match fs::symlink_metadata(path) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(error) => Err(error),
        Ok(metadata) if metadata.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
    };
    result.map_err(|error| Error::io(path, error))
}

fn copy_file(source: &Path, destination: &Path) -> Result<()> {
    if let Some(parent) = destination.parent() {
        create_dir(parent)?;
    }
    fs::copy(source, destination).map_err(|error| Error::io(destination, error))?;
    Ok(())
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> Result<()> {
    std::os::unix::fs::symlink(target, link).map_err(|error| Error::io(link, error))
}

#[cfg(not(unix))]
fn symlink(_target: &Path, link: &Path) -> Result<()> {
    Err(Error::Input(format!(
        "{}: the sample check needs a Unix host",
        link.display()
    )))
}

/// Joins single-architecture Mach-O files into a universal one.
fn lipo_create(lipo: &Path, inputs: &[PathBuf], output: &Path) -> Result<()> {
    if let Some(parent) = output.parent() {
        create_dir(parent)?;
    }
    let result = Command::new(lipo)
        .arg("-create")
        .args(inputs)
        .arg("-output")
        .arg(output)
        .output()
        .map_err(|error| Error::io(lipo, error))?;
    if !result.status.success() {
        return Err(Error::CommandFailed {
            description: format!("{} -create -output {}", lipo.display(), output.display()),
            detail: String::from_utf8_lossy(&result.stderr).into_owned(),
        });
    }
    Ok(())
}
