//! The audit of a built dext: `LC_BUILD_VERSION` and the iig class descriptions of
//! each architecture, read with the `object` crate.

use std::path::Path;

use object::macho;
use object::read::macho::{FatArch, MachHeader, MachOFatFile32, MachOFatFile64, MachOFile};
use object::{Endian, FileKind, Object, ObjectSection, ObjectSymbol};

use crate::cpp::EXTERNAL_METHOD_QUEUE;
use crate::report::{ArchReport, BinaryReport, ClassDescription, Confidence, Verdict};
use crate::version::{FIRST_SAFE_RUNTIME, Version};

/// `PLATFORM_DRIVERKIT` in `LC_BUILD_VERSION`.
pub const PLATFORM_DRIVERKIT: u32 = 10;

/// Executables larger than this are rejected; dexts are a few MiB.
pub const MAX_BINARY_BYTES: u64 = 512 * 1024 * 1024;

pub const CLASS_INFO_SEGMENT: &str = "__DATA_CONST";
pub const CLASS_INFO_SECTION: &str = "__osclassinfo";

/// Size of the fixed part of `OSClassDescription` (xnu `iokit/DriverKit/IORPC.h`)
/// with C's natural alignment: 4 + 96 + 96 + 10 * 4 bytes, 4 bytes of padding so
/// that `flags` is 8-aligned, `flags`, then `resv1[8]`.
pub const DESCRIPTION_HEADER_SIZE: usize = 312;
const NAME_OFFSET: usize = 4;
const SUPER_NAME_OFFSET: usize = 100;
const NAME_SIZE: usize = 96;
const QUEUE_NAMES_SIZE_OFFSET: usize = 212;
const QUEUE_NAMES_OFFSET_OFFSET: usize = 216;

/// Returns true when `bytes` starts with a thin or universal Mach-O magic number.
pub fn is_macho(bytes: &[u8]) -> bool {
    matches!(
        FileKind::parse(bytes),
        Ok(FileKind::MachO32 | FileKind::MachO64 | FileKind::MachOFat32 | FileKind::MachOFat64)
    )
}

/// Audits one executable; the error explains why the file cannot be read as one.
pub fn audit_file(path: &Path, display: String) -> Result<BinaryReport, String> {
    let metadata = std::fs::metadata(path).map_err(|error| format!("cannot read: {error}"))?;
    if metadata.len() > MAX_BINARY_BYTES {
        return Err(format!(
            "{} bytes is larger than the {} MiB limit for executables",
            metadata.len(),
            MAX_BINARY_BYTES / (1024 * 1024)
        ));
    }
    let data = std::fs::read(path).map_err(|error| format!("cannot read: {error}"))?;
    let architectures = audit_bytes(&data)?;
    Ok(BinaryReport {
        file: display,
        architectures,
    })
}

/// Audits every architecture in thin or universal Mach-O data.
pub fn audit_bytes(data: &[u8]) -> Result<Vec<ArchReport>, String> {
    let kind = FileKind::parse(data).map_err(|error| format!("not a Mach-O file: {error}"))?;
    match kind {
        FileKind::MachO32 => Ok(vec![audit_thin::<macho::MachHeader32<object::Endianness>>(
            data,
        )?]),
        FileKind::MachO64 => Ok(vec![audit_thin::<macho::MachHeader64<object::Endianness>>(
            data,
        )?]),
        FileKind::MachOFat32 => {
            let fat = MachOFatFile32::parse(data)
                .map_err(|e| format!("invalid universal header: {e}"))?;
            audit_fat(data, fat.arches())
        }
        FileKind::MachOFat64 => {
            let fat = MachOFatFile64::parse(data)
                .map_err(|e| format!("invalid universal header: {e}"))?;
            audit_fat(data, fat.arches())
        }
        other => Err(format!("not a Mach-O file (found {other:?})")),
    }
}

fn audit_fat<A: FatArch>(data: &[u8], arches: &[A]) -> Result<Vec<ArchReport>, String> {
    let mut reports = Vec::new();
    for arch in arches {
        let slice = arch
            .data(data)
            .map_err(|error| format!("invalid universal slice: {error}"))?;
        reports.push(
            audit_bytes(slice)?
                .into_iter()
                .next()
                .ok_or("empty universal slice")?,
        );
    }
    Ok(reports)
}

fn audit_thin<Mach: MachHeader<Endian = object::Endianness>>(
    data: &[u8],
) -> Result<ArchReport, String> {
    let file = MachOFile::<Mach, &[u8]>::parse(data)
        .map_err(|error| format!("invalid Mach-O: {error}"))?;
    let endian = file.endian();
    let header = file.macho_header();
    let arch = arch_name(header.cputype(endian), header.cpusubtype(endian));

    // Platform and versions from LC_BUILD_VERSION.
    let mut platform = None;
    let mut min_version = None;
    let mut sdk_version = None;
    let mut commands = file
        .macho_load_commands()
        .map_err(|error| format!("invalid load commands: {error}"))?;
    while let Some(command) = commands
        .next()
        .map_err(|error| format!("invalid load command: {error}"))?
    {
        if let Ok(Some((build, _tools))) = command.build_version(endian) {
            platform = Some(build.platform.get(endian).0);
            min_version = Some(Version::from_macho(build.minos.get(endian).0));
            sdk_version = Some(Version::from_macho(build.sdk.get(endian).0));
        }
    }

    // Class descriptions, then any sign of a fix outside them.
    let mut classes = Vec::new();
    let mut has_class_info = false;
    let mut fix_evidence = Vec::new();
    for section in file.sections() {
        let segment = section.segment_name().ok().flatten().unwrap_or("");
        let name = section.name().unwrap_or("");
        let Ok(bytes) = section.data() else {
            continue;
        };
        if segment == CLASS_INFO_SEGMENT && name == CLASS_INFO_SECTION {
            has_class_info = true;
            classes = parse_class_descriptions(bytes, endian.is_little_endian())?;
        } else if contains(bytes, EXTERNAL_METHOD_QUEUE.as_bytes()) {
            fix_evidence.push(format!(
                "the string \"{EXTERNAL_METHOD_QUEUE}\" appears in {segment},{name}"
            ));
        }
    }
    for symbol in file.symbols() {
        let Ok(name) = symbol.name() else {
            continue;
        };
        if name.contains("dext_compat_ensure") || name.contains("dext_compat28ensure") {
            fix_evidence.push(format!("links the dext-compat helper (symbol {name})"));
            break;
        }
    }

    let external_method_classes: Vec<String> = classes
        .iter()
        .filter(|c| c.queue_names.iter().any(|q| q == EXTERNAL_METHOD_QUEUE))
        .map(|c| c.name.clone())
        .collect();
    let (verdict, confidence, reason) = binary_verdict(
        platform,
        min_version,
        sdk_version,
        has_class_info,
        &external_method_classes,
        &fix_evidence,
    );
    Ok(ArchReport {
        arch,
        platform,
        min_version,
        sdk_version,
        classes,
        external_method_classes,
        fix_evidence,
        verdict,
        confidence,
        reason,
    })
}

fn binary_verdict(
    platform: Option<u32>,
    min_version: Option<Version>,
    sdk_version: Option<Version>,
    has_class_info: bool,
    external_method_classes: &[String],
    fix_evidence: &[String],
) -> (Verdict, Confidence, String) {
    match platform {
        None => {
            return (
                Verdict::NotAffected,
                Confidence::Low,
                "no LC_BUILD_VERSION load command, so this is not a DriverKit build".to_string(),
            );
        }
        Some(platform) if platform != PLATFORM_DRIVERKIT => {
            return (
                Verdict::NotAffected,
                Confidence::High,
                format!("platform {platform} is not DriverKit ({PLATFORM_DRIVERKIT})"),
            );
        }
        _ => {}
    }
    if let Some(min) = min_version.filter(|v| *v >= FIRST_SAFE_RUNTIME) {
        return (
            Verdict::NotAffected,
            Confidence::High,
            format!("minimum DriverKit {min} is 21.0 or later, so it never meets the old runtimes"),
        );
    }
    if let Some(sdk) = sdk_version.filter(|v| *v < FIRST_SAFE_RUNTIME) {
        return (
            Verdict::NotAffected,
            Confidence::High,
            format!("built with SDK {sdk}, older than 21.0, so ExternalMethod has no named queue"),
        );
    }
    let links_helper = fix_evidence.iter().any(|e| e.starts_with("links"));
    if !has_class_info && links_helper {
        return (
            Verdict::Fixed,
            Confidence::Low,
            format!(
                "the dext-compat helper is linked, but without a {CLASS_INFO_SEGMENT},\
                 {CLASS_INFO_SECTION} section the user clients that should call it cannot be \
                 listed"
            ),
        );
    }
    if !has_class_info {
        return (
            Verdict::AtRisk,
            Confidence::Low,
            format!(
                "no {CLASS_INFO_SEGMENT},{CLASS_INFO_SECTION} section, so the user clients cannot \
                 be identified; the versions allow the abort"
            ),
        );
    }
    if external_method_classes.is_empty() {
        return (
            Verdict::NotAffected,
            Confidence::Medium,
            "no class description names the ExternalMethod queue, so no user client can abort"
                .to_string(),
        );
    }
    let classes = external_method_classes.join(", ");
    if links_helper {
        return (
            Verdict::Fixed,
            Confidence::Medium,
            format!(
                "the dext-compat helper is linked; whether {classes} call it from init or Start \
                 cannot be seen in the binary"
            ),
        );
    }
    if !fix_evidence.is_empty() {
        return (
            Verdict::Fixed,
            Confidence::Low,
            format!(
                "the ExternalMethod queue name appears outside the class descriptions, as code \
                 that sets the queue needs; which of {classes} set it cannot be seen"
            ),
        );
    }
    (
        Verdict::AtRisk,
        Confidence::Medium,
        format!(
            "{classes} put ExternalMethod on a named queue, and nothing in the binary sets that \
             queue; the minimum DriverKit {} lets it load on macOS 10.15 and 11",
            min_version.map_or_else(|| "(unknown)".to_string(), |v| v.to_string())
        ),
    )
}

/// Parses the `__osclassinfo` records, each `descriptionSize` bytes long and
/// following the previous one directly.
// NOTE: the queue-name blob is read as NUL-separated strings. No public header
// states its format; a section dumped from a real dext would settle it.
pub fn parse_class_descriptions(
    bytes: &[u8],
    little_endian: bool,
) -> Result<Vec<ClassDescription>, String> {
    let mut classes = Vec::new();
    let mut offset = 0usize;
    while offset < bytes.len() {
        let record = &bytes[offset..];
        // Trailing zero padding after the last record is not a record.
        if record.iter().all(|&b| b == 0) {
            break;
        }
        if record.len() < DESCRIPTION_HEADER_SIZE {
            return Err(format!(
                "malformed {CLASS_INFO_SECTION}: {} bytes left at offset {offset}, fewer than the \
                 {DESCRIPTION_HEADER_SIZE}-byte class description header",
                record.len()
            ));
        }
        let size = read_u32(record, 0, little_endian) as usize;
        if size < DESCRIPTION_HEADER_SIZE || size > record.len() {
            return Err(format!(
                "malformed {CLASS_INFO_SECTION}: descriptionSize {size} at offset {offset} is \
                 outside {DESCRIPTION_HEADER_SIZE}..={}",
                record.len()
            ));
        }
        let record = &record[..size];
        let queue_size = read_u32(record, QUEUE_NAMES_SIZE_OFFSET, little_endian) as usize;
        let queue_offset = read_u32(record, QUEUE_NAMES_OFFSET_OFFSET, little_endian) as usize;
        let queue_blob = queue_offset
            .checked_add(queue_size)
            .filter(|end| *end <= size)
            .map(|end| &record[queue_offset..end])
            .ok_or_else(|| {
                format!(
                    "malformed {CLASS_INFO_SECTION}: queue names ({queue_size} bytes at {queue_offset}) \
                     run past the {size}-byte description at offset {offset}"
                )
            })?;
        classes.push(ClassDescription {
            name: c_string(&record[NAME_OFFSET..NAME_OFFSET + NAME_SIZE]),
            super_name: c_string(&record[SUPER_NAME_OFFSET..SUPER_NAME_OFFSET + NAME_SIZE]),
            queue_names: queue_blob
                .split(|&b| b == 0)
                .filter(|name| !name.is_empty())
                .map(|name| String::from_utf8_lossy(name).into_owned())
                .collect(),
        });
        offset += size;
    }
    Ok(classes)
}

fn read_u32(bytes: &[u8], offset: usize, little_endian: bool) -> u32 {
    let mut word = [0u8; 4];
    word.copy_from_slice(&bytes[offset..offset + 4]);
    if little_endian {
        u32::from_le_bytes(word)
    } else {
        u32::from_be_bytes(word)
    }
}

fn c_string(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

fn arch_name(cputype: macho::CpuType, cpusubtype: macho::CpuSubtype) -> String {
    match (cputype, cpusubtype.id()) {
        (macho::CPU_TYPE_ARM64, macho::CPU_SUBTYPE_ARM64E) => "arm64e".to_string(),
        (macho::CPU_TYPE_ARM64, _) => "arm64".to_string(),
        (macho::CPU_TYPE_X86_64, _) => "x86_64".to_string(),
        (macho::CPU_TYPE_X86, _) => "i386".to_string(),
        (macho::CPU_TYPE_ARM, _) => "arm".to_string(),
        _ => format!("cputype {:#x}", cputype.0),
    }
}

/// Finds the executables of a `.dext` bundle: Mach-O files at its top level
/// (the layout DriverKit uses) or in `Contents/MacOS`.
pub fn bundle_executables(bundle: &Path) -> Result<Vec<std::path::PathBuf>, String> {
    let mut found = Vec::new();
    for folder in [bundle.to_path_buf(), bundle.join("Contents").join("MacOS")] {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            if path.is_file() && starts_with_macho_magic(&path) {
                found.push(path);
            }
        }
    }
    if found.is_empty() {
        return Err("no Mach-O executable found in this .dext bundle".to_string());
    }
    Ok(found)
}

/// Reads only the first bytes of `path` to check the Mach-O magic number.
pub fn starts_with_macho_magic(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 32];
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    let Ok(count) = file.read(&mut head) else {
        return false;
    };
    let magic = &head[..count.min(4)];
    matches!(
        magic,
        [0xfe, 0xed, 0xfa, 0xce | 0xcf]
            | [0xce | 0xcf, 0xfa, 0xed, 0xfe]
            | [0xca, 0xfe, 0xba, 0xbe | 0xbf]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(name: &str, super_name: &str, queues: &[&str]) -> Vec<u8> {
        let mut blob = Vec::new();
        for queue in queues {
            blob.extend_from_slice(queue.as_bytes());
            blob.push(0);
        }
        let size = DESCRIPTION_HEADER_SIZE + blob.len();
        let mut bytes = vec![0u8; size];
        bytes[0..4].copy_from_slice(&(size as u32).to_le_bytes());
        bytes[NAME_OFFSET..NAME_OFFSET + name.len()].copy_from_slice(name.as_bytes());
        bytes[SUPER_NAME_OFFSET..SUPER_NAME_OFFSET + super_name.len()]
            .copy_from_slice(super_name.as_bytes());
        bytes[QUEUE_NAMES_SIZE_OFFSET..QUEUE_NAMES_SIZE_OFFSET + 4]
            .copy_from_slice(&(blob.len() as u32).to_le_bytes());
        bytes[QUEUE_NAMES_OFFSET_OFFSET..QUEUE_NAMES_OFFSET_OFFSET + 4]
            .copy_from_slice(&(DESCRIPTION_HEADER_SIZE as u32).to_le_bytes());
        bytes[DESCRIPTION_HEADER_SIZE..].copy_from_slice(&blob);
        bytes
    }

    #[test]
    fn records_parse_in_sequence() {
        let mut section = record("A", "IOService", &[]);
        section.extend(record(
            "B",
            "IOUserClient",
            &["IOUserClientQueueExternalMethod"],
        ));
        section.extend([0u8; 8]);
        let classes = parse_class_descriptions(&section, true).unwrap();
        assert_eq!(classes.len(), 2);
        assert_eq!(classes[1].name, "B");
        assert_eq!(classes[1].super_name, "IOUserClient");
        assert_eq!(classes[1].queue_names, ["IOUserClientQueueExternalMethod"]);
    }

    #[test]
    fn bad_sizes_are_errors() {
        let mut section = record("A", "IOService", &[]);
        section[0..4].copy_from_slice(&4u32.to_le_bytes());
        assert!(parse_class_descriptions(&section, true).is_err());

        let mut section = record("A", "IOService", &["Q"]);
        section[QUEUE_NAMES_SIZE_OFFSET..QUEUE_NAMES_SIZE_OFFSET + 4]
            .copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(parse_class_descriptions(&section, true).is_err());

        assert!(parse_class_descriptions(&[1u8; 10], true).is_err());
    }
}
