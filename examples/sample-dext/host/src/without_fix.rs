//! The sample dext compiled with SAMPLE_DEXT_WITHOUT_FIX: as it was before it
//! called the helper.

#[link(name = "sample_dext_without_fix", kind = "static")]
unsafe extern "C" {
    fn sample_dext_classes(count: *mut usize) -> *const *const dext_sim::DextMockClassDescription;
}

mod dext_process;

fn main() -> std::process::ExitCode {
    // SAFETY: the generated table function takes a writable count.
    dext_process::run(|count| unsafe { sample_dext_classes(count) })
}
