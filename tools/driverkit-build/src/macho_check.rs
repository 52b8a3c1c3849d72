//! Checks the Mach-O archives and the linked sample with the `object` parser.

use std::fs;
use std::path::Path;

use object::macho;
use object::read::archive::ArchiveFile;
use object::read::macho::{FatArch, MachHeader, MachOFatFile32, MachOFile64};
use object::{Endianness, FileKind, Object, ObjectSection, ObjectSymbol};

use crate::arch::Arch;
use crate::error::{Error, Result};
use crate::panic_check;
use crate::version::Version;

/// Symbol names (with Mach-O's leading underscore) that tie code to
/// exception unwinding, which a dext built with `-fno-exceptions` and the
/// abort panic strategy must not need.
const UNWINDING_PREFIXES: [&str; 7] = [
    "__Unwind_",
    "___gxx_personality",
    "_rust_eh_personality",
    "___cxa_throw",
    "___cxa_begin_catch",
    "___cxa_end_catch",
    "___cxa_rethrow",
];

/// The platform and minimum version of one archive member.
#[derive(Clone, Debug)]
pub struct MemberReport {
    pub name: String,
    pub platform: u32,
    pub minimum: Version,
}

/// The members of one architecture's archive, thin or inside a universal one.
#[derive(Clone, Debug)]
pub struct ArchiveReport {
    pub arch: Arch,
    pub members: Vec<MemberReport>,
}

/// Checks a single-architecture archive.
pub fn check_archive(
    path: &Path,
    arch: Arch,
    minimum: Version,
    check_panics: bool,
) -> Result<ArchiveReport> {
    let data = fs::read(path).map_err(|error| Error::io(path, error))?;
    let label = path.display().to_string();
    let members = check_archive_data(&data, &label, arch, minimum, check_panics)?;
    Ok(ArchiveReport { arch, members })
}

/// Checks a universal archive: one slice per expected architecture, and each
/// slice an archive that passes `check_archive`'s checks.
pub fn check_universal_archive(
    path: &Path,
    expected: &[(Arch, Version)],
    check_panics: bool,
) -> Result<Vec<ArchiveReport>> {
    let data = fs::read(path).map_err(|error| Error::io(path, error))?;
    let label = path.display().to_string();
    let fat = MachOFatFile32::parse(&*data).map_err(|error| {
        Error::Check(format!("{label} is not a universal Mach-O file: {error}"))
    })?;

    let mut reports = Vec::new();
    for slice in fat.arches() {
        let cpu_type = slice.cputype();
        let Some(arch) = Arch::from_macho_cpu_type(cpu_type) else {
            return Err(Error::Check(format!(
                "{label} has a slice of unexpected CPU type {:#x}",
                cpu_type.0
            )));
        };
        let Some(&(_, minimum)) = expected.iter().find(|(wanted, _)| *wanted == arch) else {
            return Err(Error::Check(format!(
                "{label} has an unexpected {arch} slice"
            )));
        };
        let slice_data = slice.data(&*data).map_err(|error| {
            Error::Check(format!("{label}: reading the {arch} slice failed: {error}"))
        })?;
        let members = check_archive_data(
            slice_data,
            &format!("{label} ({arch})"),
            arch,
            minimum,
            check_panics,
        )?;
        reports.push(ArchiveReport { arch, members });
    }

    for (arch, _) in expected {
        if !reports.iter().any(|report| report.arch == *arch) {
            return Err(Error::Check(format!("{label} has no {arch} slice")));
        }
    }
    Ok(reports)
}

/// Checks every member of an archive for `LC_BUILD_VERSION` with platform
/// DRIVERKIT and the minimum version `minimum`, for the CPU type of `arch`,
/// and for unwinding symbols, and, with `check_panics`, the helper's members
/// for panic symbols. Collects every problem before failing.
fn check_archive_data(
    data: &[u8],
    label: &str,
    arch: Arch,
    minimum: Version,
    check_panics: bool,
) -> Result<Vec<MemberReport>> {
    let archive = ArchiveFile::parse(data)
        .map_err(|error| Error::Check(format!("{label} is not an archive: {error}")))?;

    let mut reports = Vec::new();
    let mut problems = Vec::new();
    let mut helper_members = 0;
    for member in archive.members() {
        let member = member
            .map_err(|error| Error::Check(format!("{label}: reading a member failed: {error}")))?;
        let name = String::from_utf8_lossy(member.name()).into_owned();
        let member_data = member.data(data).map_err(|error| {
            Error::Check(format!("{label}({name}): reading it failed: {error}"))
        })?;
        if check_panics && panic_check::is_helper_member(&name) {
            helper_members += 1;
            match panic_check::panic_references(member_data) {
                Ok(panics) if panics.is_empty() => {}
                Ok(panics) => problems.push(format!(
                    "{label}({name}): the helper's code can panic: it refers to {}",
                    panics.join(", ")
                )),
                Err(problem) => problems.push(format!("{label}({name}): {problem}")),
            }
        }
        match check_object(member_data, arch, minimum) {
            Ok(report) => reports.push(MemberReport { name, ..report }),
            Err(problem) => problems.push(format!("{label}({name}): {problem}")),
        }
    }

    if reports.is_empty() && problems.is_empty() {
        problems.push(format!("{label} has no members"));
    }
    // The no-panic check must have found something to check.
    if check_panics && helper_members == 0 {
        problems.push(format!(
            "{label} has no member of the dext_compat crate, bridge or shims"
        ));
    }
    if !problems.is_empty() {
        return Err(Error::Check(problems.join("\n")));
    }
    Ok(reports)
}

/// Checks one object file; returns a problem description on failure.
fn check_object(
    data: &[u8],
    arch: Arch,
    minimum: Version,
) -> std::result::Result<MemberReport, String> {
    if FileKind::parse(data) != Ok(FileKind::MachO64) {
        return Err("is not a 64-bit Mach-O object".into());
    }
    let file = MachOFile64::<Endianness>::parse(data)
        .map_err(|error| format!("is not valid Mach-O: {error}"))?;
    let endian = file.endian();

    // The CPU type must match the archive's architecture.
    let cpu_type = file.macho_header().cputype(endian);
    if cpu_type != arch.macho_cpu_type() {
        return Err(format!("has CPU type {:#x}, not {arch}", cpu_type.0));
    }

    // Exactly one LC_BUILD_VERSION, and no LC_VERSION_MIN_* of an older scheme.
    let mut build_version = None;
    let commands = file
        .macho_load_commands()
        .map_err(|error| format!("has unreadable load commands: {error}"))?;
    for command in commands {
        let command =
            command.map_err(|error| format!("has an unreadable load command: {error}"))?;
        match command.cmd() {
            macho::LC_BUILD_VERSION => {
                let Ok(Some((version, _))) = command.build_version(endian) else {
                    return Err("has an unreadable LC_BUILD_VERSION".into());
                };
                if build_version.replace(version).is_some() {
                    return Err("has two LC_BUILD_VERSION commands".into());
                }
            }
            macho::LC_VERSION_MIN_MACOSX
            | macho::LC_VERSION_MIN_IPHONEOS
            | macho::LC_VERSION_MIN_TVOS
            | macho::LC_VERSION_MIN_WATCHOS => {
                return Err("has an LC_VERSION_MIN command of another platform".into());
            }
            _ => {}
        }
    }
    let Some(build_version) = build_version else {
        return Err("has no LC_BUILD_VERSION".into());
    };
    let platform = build_version.platform.get(endian).0;
    let member_minimum = Version::from_macho(build_version.minos.get(endian).0);
    if platform != macho::PLATFORM_DRIVERKIT.0 {
        return Err(format!(
            "is built for platform {} ({platform}), not DriverKit ({})",
            platform_name(platform),
            macho::PLATFORM_DRIVERKIT.0
        ));
    }
    if member_minimum != minimum {
        return Err(format!(
            "has minimum version {member_minimum}, not {minimum}"
        ));
    }

    // No symbol may refer to unwinding.
    let unwinding: Vec<&str> = file
        .symbols()
        .filter_map(|symbol| symbol.name().ok())
        .filter(|name| {
            UNWINDING_PREFIXES
                .iter()
                .any(|prefix| name.starts_with(prefix))
        })
        .collect();
    if !unwinding.is_empty() {
        return Err(format!("refers to unwinding: {}", unwinding.join(", ")));
    }

    Ok(MemberReport {
        name: String::new(),
        platform,
        minimum: member_minimum,
    })
}

/// Returns the name of a Mach-O platform number, for messages.
pub fn platform_name(platform: u32) -> &'static str {
    match macho::Platform(platform) {
        macho::PLATFORM_MACOS => "macOS",
        macho::PLATFORM_IOS => "iOS",
        macho::PLATFORM_TVOS => "tvOS",
        macho::PLATFORM_WATCHOS => "watchOS",
        macho::PLATFORM_DRIVERKIT => "DriverKit",
        _ => "unknown",
    }
}

/// What the sample check needs to know about a linked executable.
#[derive(Clone, Debug)]
pub struct ExecutableReport {
    /// The bytes of all sections, which is what the code and data of the
    /// image occupy without the page padding of the file.
    pub section_bytes: u64,
    pub file_bytes: u64,
    /// Symbols bound from DriverKit's libraries at load time.
    pub imports: Vec<String>,
}

/// Checks that `path` is a DriverKit executable for `arch` with minimum
/// version `minimum`, and measures it.
pub fn check_executable(path: &Path, arch: Arch, minimum: Version) -> Result<ExecutableReport> {
    let data = fs::read(path).map_err(|error| Error::io(path, error))?;
    let label = path.display().to_string();
    let problem = |text: String| Error::Check(format!("{label}: {text}"));

    let file = MachOFile64::<Endianness>::parse(&*data)
        .map_err(|error| problem(format!("is not Mach-O: {error}")))?;
    let endian = file.endian();
    let header = file.macho_header();
    if header.filetype(endian) != macho::MH_EXECUTE {
        return Err(problem("is not an executable (MH_EXECUTE)".into()));
    }
    if header.cputype(endian) != arch.macho_cpu_type() {
        return Err(problem(format!("is not an {arch} image")));
    }
    match file.build_version() {
        Ok(Some((version, _)))
            if version.platform.get(endian) == macho::PLATFORM_DRIVERKIT
                && Version::from_macho(version.minos.get(endian).0) == minimum => {}
        _ => {
            return Err(problem(format!(
                "lacks LC_BUILD_VERSION platform DriverKit minos {minimum}"
            )));
        }
    }

    let section_bytes = file.sections().map(|section| section.size()).sum();
    let mut imports = Vec::new();
    let unreadable =
        |error: object::Error| problem(format!("has an unreadable import table: {error}"));
    for import in file.imports().map_err(unreadable)? {
        if let Some(name) = import.map_err(unreadable)?.name().name() {
            imports.push(String::from_utf8_lossy(name).into_owned());
        }
    }
    imports.sort();
    imports.dedup();
    Ok(ExecutableReport {
        section_bytes,
        file_bytes: data.len() as u64,
        imports,
    })
}
