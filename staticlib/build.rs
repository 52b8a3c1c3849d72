//! Sets `cfg(dext_compat_driverkit)` when building for a DriverKit target.
//!
//! rustc has no DriverKit target, so a DriverKit build uses a custom target
//! specification whose `os` stays `macos` (rustc's Apple code accepts no other
//! Apple OS name there). Only the target's name, `arm64-apple-driverkit` or
//! `x86_64-apple-driverkit` as `driverkit-build` writes them, tells it apart
//! from a macOS build.

use std::env;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(dext_compat_driverkit)");
    println!("cargo::rerun-if-changed=build.rs");

    let target = env::var("TARGET").unwrap_or_default();
    if target.ends_with("-apple-driverkit") {
        println!("cargo::rustc-cfg=dext_compat_driverkit");
    }
}
