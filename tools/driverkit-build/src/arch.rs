//! The two DriverKit architectures and the names each tool uses for them.

use std::fmt;

use object::macho;

use crate::version::Version;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Arch {
    Arm64,
    X86_64,
}

impl Arch {
    pub const ALL: [Arch; 2] = [Arch::Arm64, Arch::X86_64];

    /// Parses an entry of Xcode's `ARCHS`.
    pub fn from_xcode(name: &str) -> Option<Self> {
        match name {
            "arm64" => Some(Arch::Arm64),
            "x86_64" => Some(Arch::X86_64),
            _ => None,
        }
    }

    /// The name in `ARCHS`, in `ld64.lld -arch`, in output paths and in
    /// `llvm-lipo` output.
    pub fn xcode_name(self) -> &'static str {
        match self {
            Arch::Arm64 => "arm64",
            Arch::X86_64 => "x86_64",
        }
    }

    /// The built-in rustc target whose specification the DriverKit one starts from.
    pub fn rustc_base_target(self) -> &'static str {
        match self {
            Arch::Arm64 => "aarch64-apple-darwin",
            Arch::X86_64 => "x86_64-apple-darwin",
        }
    }

    /// The name of the generated target specification, which is also the
    /// `TARGET` that build scripts see. `staticlib/build.rs` recognises the
    /// `-apple-driverkit` suffix.
    pub fn rust_target_name(self) -> &'static str {
        match self {
            Arch::Arm64 => "arm64-apple-driverkit",
            Arch::X86_64 => "x86_64-apple-driverkit",
        }
    }

    /// The unversioned LLVM triple; rustc appends `MACOSX_DEPLOYMENT_TARGET`.
    pub fn llvm_triple(self) -> &'static str {
        self.rust_target_name()
    }

    /// The target as `zig cc -target` spells it, with the minimum version.
    pub fn zig_target(self, minimum: Version) -> String {
        match self {
            Arch::Arm64 => format!("aarch64-driverkit.{minimum}"),
            Arch::X86_64 => format!("x86_64-driverkit.{minimum}"),
        }
    }

    /// The target as clang spells it, with the minimum version.
    pub fn clang_target(self, minimum: Version) -> String {
        format!("{}{minimum}", self.llvm_triple())
    }

    /// The oldest DriverKit version that runs this architecture: Apple silicon
    /// Macs started with macOS 11 (DriverKit 20); DriverKit 19 is macOS 10.15.
    pub fn first_driverkit(self) -> Version {
        match self {
            Arch::Arm64 => Version::new(20, 0),
            Arch::X86_64 => Version::new(19, 0),
        }
    }

    pub fn macho_cpu_type(self) -> macho::CpuType {
        match self {
            Arch::Arm64 => macho::CPU_TYPE_ARM64,
            Arch::X86_64 => macho::CPU_TYPE_X86_64,
        }
    }

    pub fn from_macho_cpu_type(cpu_type: macho::CpuType) -> Option<Self> {
        Arch::ALL
            .into_iter()
            .find(|arch| arch.macho_cpu_type() == cpu_type)
    }
}

impl fmt::Display for Arch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.xcode_name())
    }
}
