//! Binary mode on Mach-O files generated here with `object::write`: thin and
//! universal, DriverKit and not, with and without a fix, and malformed.

use std::path::Path;

use dext_audit::report::{Confidence, Report, Verdict};
use dext_audit::{Options, audit_path};
use object::write::{Object, Symbol, SymbolSection};
use object::{
    Architecture, BinaryFormat, Endianness, SectionKind, SymbolFlags, SymbolKind, SymbolScope,
    macho,
};

const EXTERNAL_METHOD_QUEUE: &str = "IOUserClientQueueExternalMethod";

/// Size of the fixed part of `OSClassDescription` in xnu `iokit/DriverKit/IORPC.h`,
/// with `flags` aligned to 8 bytes.
const HEADER: usize = 312;

/// Encodes one class description record with its queue names after the header.
fn class_record(name: &str, super_name: &str, queues: &[&str]) -> Vec<u8> {
    let mut names = Vec::new();
    for queue in queues {
        names.extend_from_slice(queue.as_bytes());
        names.push(0);
    }
    // Records are padded to 8 bytes, as the uint64_t members require.
    let size = (HEADER + names.len()).div_ceil(8) * 8;
    let mut record = vec![0u8; size];
    record[0..4].copy_from_slice(&(size as u32).to_le_bytes());
    record[4..4 + name.len()].copy_from_slice(name.as_bytes());
    record[100..100 + super_name.len()].copy_from_slice(super_name.as_bytes());
    // queueNamesSize at 212, queueNamesOffset at 216.
    record[212..216].copy_from_slice(&(names.len() as u32).to_le_bytes());
    record[216..220].copy_from_slice(&(HEADER as u32).to_le_bytes());
    record[HEADER..HEADER + names.len()].copy_from_slice(&names);
    record
}

struct Build {
    architecture: Architecture,
    platform: u32,
    minos: (u16, u8),
    sdk: (u16, u8),
    class_info: Option<Vec<u8>>,
    helper_symbol: bool,
}

impl Build {
    fn dext(minos: (u16, u8), sdk: (u16, u8)) -> Self {
        let mut class_info = class_record("SampleService", "IOService", &[]);
        class_info.extend(class_record(
            "SampleUserClient",
            "IOUserClient",
            &[EXTERNAL_METHOD_QUEUE],
        ));
        Build {
            architecture: Architecture::Aarch64,
            platform: macho::PLATFORM_DRIVERKIT.0,
            minos,
            sdk,
            class_info: Some(class_info),
            helper_symbol: false,
        }
    }

    fn bytes(&self) -> Vec<u8> {
        let mut object = Object::new(BinaryFormat::MachO, self.architecture, Endianness::Little);
        let mut build_version = object::write::MachOBuildVersion::default();
        build_version.platform = macho::Platform(self.platform);
        build_version.minos = macho::Version::new(self.minos.0, self.minos.1, 0);
        build_version.sdk = macho::Version::new(self.sdk.0, self.sdk.1, 0);
        object.set_macho_build_version(build_version);
        let text = object.add_section(b"__TEXT".to_vec(), b"__text".to_vec(), SectionKind::Text);
        let offset = object.append_section_data(text, &[0xc0, 0x03, 0x5f, 0xd6], 4);
        if let Some(class_info) = &self.class_info {
            let section = object.add_section(
                b"__DATA_CONST".to_vec(),
                b"__osclassinfo".to_vec(),
                SectionKind::ReadOnlyData,
            );
            object.append_section_data(section, class_info, 8);
        }
        if self.helper_symbol {
            object.add_symbol(Symbol {
                name: b"_dext_compat_ensure_external_method_queue".to_vec(),
                value: offset,
                size: 4,
                kind: SymbolKind::Text,
                scope: SymbolScope::Linkage,
                weak: false,
                section: SymbolSection::Section(text),
                flags: SymbolFlags::None,
            });
        }
        object.write().expect("write Mach-O fixture")
    }
}

/// Joins thin Mach-O files into a universal binary (big-endian `fat_header`).
fn universal(slices: &[(u32, u32, Vec<u8>)]) -> Vec<u8> {
    const ALIGN: usize = 1 << 14;
    let mut header = Vec::new();
    header.extend(0xcafe_babe_u32.to_be_bytes());
    header.extend((slices.len() as u32).to_be_bytes());
    let mut body = Vec::new();
    let mut offset = ALIGN;
    for (cputype, cpusubtype, bytes) in slices {
        header.extend(cputype.to_be_bytes());
        header.extend(cpusubtype.to_be_bytes());
        header.extend((offset as u32).to_be_bytes());
        header.extend((bytes.len() as u32).to_be_bytes());
        header.extend(14u32.to_be_bytes());
        let mut padded = bytes.clone();
        padded.resize(bytes.len().div_ceil(ALIGN) * ALIGN, 0);
        offset += padded.len();
        body.extend(padded);
    }
    header.resize(ALIGN, 0);
    header.extend(body);
    header
}

fn audit_bytes(bytes: &[u8]) -> Report {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("com.example.driver");
    std::fs::write(&path, bytes).unwrap();
    audit_path(&path, &Options::default())
}

#[test]
fn unfixed_old_target_is_at_risk() {
    let report = audit_bytes(&Build::dext((20, 0), (21, 0)).bytes());
    assert_eq!(report.exit_code, 1, "{report:#?}");
    let arch = &report.binaries[0].architectures[0];
    assert_eq!(arch.arch, "arm64");
    assert_eq!(arch.platform, Some(10));
    assert_eq!(arch.min_version.unwrap().to_string(), "20.0");
    assert_eq!(arch.sdk_version.unwrap().to_string(), "21.0");
    assert_eq!(arch.classes.len(), 2);
    assert_eq!(arch.classes[1].super_name, "IOUserClient");
    assert_eq!(arch.external_method_classes, ["SampleUserClient"]);
    assert_eq!(arch.verdict, Verdict::AtRisk);
    assert_eq!(arch.confidence, Confidence::Medium);
}

#[test]
fn linked_helper_counts_as_fixed() {
    let mut build = Build::dext((20, 0), (21, 0));
    build.helper_symbol = true;
    let report = audit_bytes(&build.bytes());
    let arch = &report.binaries[0].architectures[0];
    assert_eq!(arch.verdict, Verdict::Fixed);
    assert_eq!(arch.confidence, Confidence::Medium);
    assert!(arch.fix_evidence[0].contains("dext_compat_ensure"));
    assert_eq!(report.exit_code, 0);
}

#[test]
fn version_exemptions() {
    let modern = audit_bytes(&Build::dext((21, 0), (22, 0)).bytes());
    assert_eq!(
        modern.binaries[0].architectures[0].verdict,
        Verdict::NotAffected
    );
    assert_eq!(
        modern.binaries[0].architectures[0].confidence,
        Confidence::High
    );
    assert_eq!(modern.exit_code, 0);

    let old_sdk = audit_bytes(&Build::dext((19, 0), (20, 4)).bytes());
    assert_eq!(
        old_sdk.binaries[0].architectures[0].verdict,
        Verdict::NotAffected
    );
    assert_eq!(old_sdk.exit_code, 0);
}

#[test]
fn universal_binary_reports_each_arch() {
    let mut intel = Build::dext((19, 0), (21, 0));
    intel.architecture = Architecture::X86_64;
    let arm = Build::dext((21, 0), (21, 0));
    let bytes = universal(&[
        (macho::CPU_TYPE_X86_64.0, 3, intel.bytes()),
        (macho::CPU_TYPE_ARM64.0, 0, arm.bytes()),
    ]);
    let report = audit_bytes(&bytes);
    let arches: Vec<_> = report.binaries[0]
        .architectures
        .iter()
        .map(|a| (a.arch.as_str(), a.verdict))
        .collect();
    assert_eq!(
        arches,
        [("x86_64", Verdict::AtRisk), ("arm64", Verdict::NotAffected)]
    );
    assert_eq!(report.exit_code, 1);
}

#[test]
fn macos_binary_is_bad_input() {
    let mut build = Build::dext((11, 0), (12, 0));
    build.platform = macho::PLATFORM_MACOS.0;
    let report = audit_bytes(&build.bytes());
    assert_eq!(report.exit_code, 2);
    assert!(
        report.diagnostics[0]
            .message
            .contains("not a dext executable")
    );
}

#[test]
fn missing_class_info_is_low_confidence() {
    let mut build = Build::dext((20, 0), (21, 0));
    build.class_info = None;
    let report = audit_bytes(&build.bytes());
    let arch = &report.binaries[0].architectures[0];
    assert_eq!(arch.verdict, Verdict::AtRisk);
    assert_eq!(arch.confidence, Confidence::Low);
}

#[test]
fn linked_helper_without_class_info_is_low_confidence() {
    let mut build = Build::dext((20, 0), (21, 0));
    build.class_info = None;
    build.helper_symbol = true;
    let report = audit_bytes(&build.bytes());
    let arch = &report.binaries[0].architectures[0];
    assert_eq!(arch.verdict, Verdict::Fixed);
    assert_eq!(arch.confidence, Confidence::Low);
    assert_eq!(report.exit_code, 0);
}

#[test]
fn malformed_class_info_is_an_error() {
    let mut build = Build::dext((20, 0), (21, 0));
    let mut class_info = class_record("A", "IOUserClient", &[EXTERNAL_METHOD_QUEUE]);
    class_info[0..4].copy_from_slice(&100_000u32.to_le_bytes());
    build.class_info = Some(class_info);
    let report = audit_bytes(&build.bytes());
    assert_eq!(report.exit_code, 2);
    assert!(
        report.diagnostics[0].message.contains("descriptionSize"),
        "{report:#?}"
    );
}

#[test]
fn truncated_macho_is_an_error() {
    let bytes = Build::dext((20, 0), (21, 0)).bytes();
    for length in [4, 40, 200] {
        let report = audit_bytes(&bytes[..length]);
        assert_eq!(report.exit_code, 2, "length {length}");
        assert_eq!(report.diagnostics.len(), 1, "length {length}");
    }
}

#[test]
fn dext_bundle_finds_its_executable() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("com.example.driver.dext");
    std::fs::create_dir(&bundle).unwrap();
    std::fs::write(bundle.join("Info.plist"), "<plist/>").unwrap();
    std::fs::write(
        bundle.join("com.example.driver"),
        Build::dext((20, 0), (21, 0)).bytes(),
    )
    .unwrap();
    let report = audit_path(&bundle, &Options::default());
    assert_eq!(report.binaries.len(), 1);
    assert_eq!(report.binaries[0].file, "com.example.driver");
    assert_eq!(report.exit_code, 1);

    let empty = dir.path().join("Empty.dext");
    std::fs::create_dir(&empty).unwrap();
    assert_eq!(audit_path(&empty, &Options::default()).exit_code, 2);
}

/// Audits the sample dext's linked executable when `DEXT_AUDIT_SAMPLE_MACHO`
/// names it. The generated files above are the main coverage, because that
/// executable exists only after the DriverKit build has run.
#[test]
fn sample_macho_when_given() {
    let Some(path) = std::env::var_os("DEXT_AUDIT_SAMPLE_MACHO") else {
        eprintln!("DEXT_AUDIT_SAMPLE_MACHO is not set; the sample's Mach-O is not checked");
        return;
    };
    let report = audit_path(Path::new(&path), &Options::default());
    assert_ne!(report.exit_code, 2, "{report:#?}");
    let architectures: Vec<_> = report
        .binaries
        .iter()
        .flat_map(|b| &b.architectures)
        .collect();
    assert_eq!(architectures.len(), 2, "{report:#?}");
    for arch in architectures {
        assert_eq!(arch.platform, Some(10), "{}", arch.arch);
        assert_ne!(
            arch.verdict,
            Verdict::AtRisk,
            "{}: {}",
            arch.arch,
            arch.reason
        );
    }
}
