//! Compiles the reference fixup and the probe's C and C++ glue against the
//! SDK that dext-compat found, with the sample dext's flags.

use std::env;

fn main() {
    // dext-compat and dext-sim export their include directories.
    let dext_compat_include = env::var_os("DEP_DEXT_COMPAT_INCLUDE")
        .expect("dext-compat's build script exports DEP_DEXT_COMPAT_INCLUDE");
    let sim_include = env::var_os("DEP_DEXT_SIM_INCLUDE")
        .expect("dext-sim's build script exports DEP_DEXT_SIM_INCLUDE");

    let mut cxx = cc::Build::new();
    cxx.cpp(true)
        .std("c++17")
        .files(["reference/ReferenceFixup.cpp", "src/probe/glue.cpp"])
        .include("reference")
        .include(&sim_include)
        .flag("-fno-exceptions")
        .flag("-fno-rtti")
        .flag("-Wall")
        .warnings_into_errors(true);
    for directory in env::split_paths(&dext_compat_include) {
        cxx.include(directory);
    }
    cxx.compile("dext_compat_bench_cxx");

    // The allocation counter replaces malloc for the whole probe process.
    cc::Build::new()
        .file("src/probe/alloc_count.c")
        .flag("-Wall")
        .warnings_into_errors(true)
        .compile("dext_compat_bench_alloc");

    println!("cargo::rerun-if-changed=reference");
    println!("cargo::rerun-if-changed=src/probe/glue.cpp");
    println!("cargo::rerun-if-changed=src/probe/alloc_count.c");
    println!("cargo::rerun-if-env-changed=DEP_DEXT_COMPAT_INCLUDE");
    println!("cargo::rerun-if-env-changed=DEP_DEXT_SIM_INCLUDE");
}
