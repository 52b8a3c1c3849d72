//! Compiles the simulated runtime against the newest mock SDK.
//!
//! The runtime is built once, like the real one, and serves dexts built with
//! any mock SDK: the mocks declare the same classes with the same layout and
//! differ only in the queue names a user client's class description lists.

use std::env;
use std::fs;
use std::path::PathBuf;

/// The mock SDK whose headers the runtime is compiled against.
const SDK: &str = "../mock-sdk/DriverKit25.0.sdk";
const FRAMEWORK_HEADERS: &str =
    "System/DriverKit/System/Library/Frameworks/DriverKit.framework/Headers";

fn main() {
    let manifest_dir =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let sdk = manifest_dir.join(SDK);

    // <DriverKit/...> resolves through a link named DriverKit, as in the
    // library's build script.
    let include = out_dir.join("sdk-include");
    fs::create_dir_all(&include).expect("OUT_DIR is writable");
    let link = include.join("DriverKit");
    let _ = fs::remove_file(&link);
    std::os::unix::fs::symlink(sdk.join(FRAMEWORK_HEADERS), &link).expect("OUT_DIR is writable");

    let mut build = cc::Build::new();
    build
        .cpp(true)
        .std("c++17")
        .files(["runtime/objects.cpp", "runtime/runtime.cpp"])
        .include(&include)
        .include(sdk.join("System/DriverKit/usr/include"))
        .include("include")
        .flag("-fno-exceptions")
        .flag("-fno-rtti")
        .flag("-Wall")
        .warnings_into_errors(true);
    build.compile("dext-sim-runtime");

    println!("cargo::rerun-if-changed=runtime");
    println!("cargo::rerun-if-changed=include");
    println!("cargo::rerun-if-changed=../mock-sdk/common");
    println!(
        "cargo::metadata=include={}",
        manifest_dir.join("include").display()
    );
}
