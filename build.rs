//! Finds the DriverKit SDK, mirrors its `#ifdef kIOUserClientQueueNameExternalMethod`
//! as cfgs, and compiles the C++ half of the bridge against it.
//!
//! The cfgs, all declared with `rustc-check-cfg`:
//! - `dext_compat_external_method_queue`: the SDK defines
//!   `kIOUserClientQueueNameExternalMethod` (DriverKit 21 and later); without
//!   it the ExternalMethod helper compiles to a successful no-op.
//! - `dext_compat_sdk_major = "N"`: the DriverKit major version from the SDK's
//!   `SDKSettings.json`.
//! - `dext_compat_mock_sdk`: the SDK is one of the mocks under `tests/mock-sdk`.

#[path = "build/probe.rs"]
mod probe;
#[path = "build/sdk.rs"]
mod sdk;

use std::env;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    println!("cargo::rustc-check-cfg=cfg(dext_compat_external_method_queue)");
    println!("cargo::rustc-check-cfg=cfg(dext_compat_mock_sdk)");
    println!("cargo::rustc-check-cfg=cfg(dext_compat_sdk_major, values(any()))");

    let out_dir = PathBuf::from(env::var_os("OUT_DIR").ok_or("cargo did not set OUT_DIR")?);
    let target = env::var("TARGET").map_err(|_| "cargo did not set TARGET")?;

    // Find the SDK and read its version.
    let sdk = sdk::Sdk::discover(&target)?;
    let include_dirs = sdk.include_dirs(&out_dir)?;

    // Mirror the SDK's #ifdef.
    let queue_name = probe::external_method_queue_name(&include_dirs, &sdk, &out_dir)?;
    if let Some(name) = &queue_name {
        println!("cargo::rustc-cfg=dext_compat_external_method_queue");
        println!("cargo::rustc-env=DEXT_COMPAT_EXTERNAL_METHOD_QUEUE_NAME={name}");
    }
    println!("cargo::rustc-cfg=dext_compat_sdk_major=\"{}\"", sdk.major);
    if sdk.is_mock {
        println!("cargo::rustc-cfg=dext_compat_mock_sdk");
    }

    // Compile the generated bridge and the shims with a dext's flags.
    let mut build = cxx_build::bridge("src/bridge.rs");
    build
        .file("cpp/shims.cpp")
        .include("include")
        .std("c++17")
        .flag("-fno-exceptions")
        .flag("-fno-rtti")
        .flag("-Wall")
        .warnings_into_errors(true);
    for dir in &include_dirs {
        build.include(dir);
    }
    if let Some(sysroot) = sdk.sysroot() {
        build.flag("-isysroot").flag(sysroot);
    }
    build.try_compile("dext-compat-bridge").map_err(|error| {
        format!(
            "compiling the C++ shims against {} failed: {error}",
            sdk.root.display()
        )
    })?;

    // Tell dependents (the sample dext, the DriverKit build) which SDK and
    // include directories this build used, so they compile against the same.
    let mut exported = vec![
        out_dir.join("cxxbridge/include"),
        out_dir.join("cxxbridge/crate"),
        PathBuf::from(
            env::var_os("CARGO_MANIFEST_DIR").ok_or("cargo did not set CARGO_MANIFEST_DIR")?,
        )
        .join("include"),
    ];
    exported.extend(include_dirs.iter().cloned());
    let joined = env::join_paths(&exported)
        .map_err(|error| format!("an include path is unusable: {error}"))?;
    println!("cargo::metadata=sdk_root={}", sdk.root.display());
    println!("cargo::metadata=sdk_major={}", sdk.major);
    println!("cargo::metadata=sdk_version={}", sdk.version);
    println!("cargo::metadata=include={}", joined.to_string_lossy());

    for path in ["build", "src/bridge.rs", "cpp", "include"] {
        println!("cargo::rerun-if-changed={path}");
    }
    println!("cargo::rerun-if-changed={}", sdk.root.display());
    for variable in sdk::ENVIRONMENT {
        println!("cargo::rerun-if-env-changed={variable}");
    }
    Ok(())
}
