//! The sample dext as written, with the fix.

#[link(name = "sample_dext", kind = "static")]
unsafe extern "C" {
    fn sample_dext_classes(count: *mut usize) -> *const *const dext_sim::DextMockClassDescription;
}

mod dext_process;

fn main() -> std::process::ExitCode {
    // SAFETY: the generated table function takes a writable count.
    dext_process::run(|count| unsafe { sample_dext_classes(count) })
}
