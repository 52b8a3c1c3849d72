//! Builds the sample dext's C++ twice against the SDK that dext-compat found:
//! as written (`sample_dext`), and with `SAMPLE_DEXT_WITHOUT_FIX` defined
//! (`sample_dext_without_fix`). Each binary links one of the two.

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    let manifest_dir =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let dext_dir = manifest_dir.join("../dext");
    // dext-compat's build script exports the SDK's include directories, so
    // the sample compiles against the same SDK as the helper.
    let include = env::var_os("DEP_DEXT_COMPAT_INCLUDE")
        .expect("dext-compat exports its include directories");

    // Run the stand-in for iig over the .iig files.
    let mut iig_files: Vec<PathBuf> = fs::read_dir(&dext_dir)
        .expect("the sample's dext directory exists")
        .map(|entry| entry.expect("the dext directory is readable").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "iig"))
        .collect();
    iig_files.sort();
    let iig = mock_iig::generate(&iig_files, &out_dir.join("iig"), "sample_dext_classes")
        .unwrap_or_else(|error| panic!("mock-iig failed: {error}"));

    let mut sources: Vec<PathBuf> = fs::read_dir(&dext_dir)
        .expect("the sample's dext directory exists")
        .map(|entry| entry.expect("the dext directory is readable").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "cpp"))
        .collect();
    sources.sort();
    sources.push(iig.classes_source.clone());

    for (library, without_fix) in [("sample_dext", false), ("sample_dext_without_fix", true)] {
        let mut build = cc::Build::new();
        build
            .cpp(true)
            .std("c++17")
            .files(&sources)
            .include(&iig.header_dir)
            .include(&dext_dir)
            .flag("-fno-exceptions")
            .flag("-fno-rtti")
            .flag("-Wall")
            .warnings_into_errors(true)
            .cargo_metadata(false);
        for dir in env::split_paths(&include) {
            build.include(dir);
        }
        if without_fix {
            build.define("SAMPLE_DEXT_WITHOUT_FIX", None);
        }
        build.compile(library);
    }
    // Each binary names its library with #[link]; this only says where they are.
    println!("cargo::rustc-link-search=native={}", out_dir.display());
    println!("cargo::rustc-link-lib=stdc++");

    println!("cargo::rerun-if-changed={}", dext_dir.display());
    println!("cargo::rerun-if-env-changed=DEP_DEXT_COMPAT_INCLUDE");
}
