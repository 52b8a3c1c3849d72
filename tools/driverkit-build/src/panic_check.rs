//! The mechanical proof that the helper cannot panic: the objects that hold
//! the helper's code (the `dext_compat` crate, the generated bridge and the
//! shims) refer to no panic machinery of `core`.
//!
//! A panic on any path, whether an `unwrap`, an index out of bounds or an
//! overflow check, compiles to a call into `core::panicking` or one of its
//! siblings. Because `core` is a separate crate, such a call is an undefined
//! symbol of the helper's object, even when the panicking function is inlined
//! into the helper. Release objects are checked, as a dext links them.

use object::{Object, ObjectSymbol};

/// Substrings of the (mangled) names of `core`'s panic entry points.
const PANIC_MARKERS: [&str; 9] = [
    "panicking",
    "panic_fmt",
    "rust_begin_unwind",
    "unwrap_failed",
    "expect_failed",
    "_len_fail",
    "_order_fail",
    "slice_error_fail",
    "overflow_fail",
];

/// Whether an archive member holds the helper's own code.
pub fn is_helper_member(name: &str) -> bool {
    name.starts_with("dext_compat-") || name.ends_with("-bridge.rs.o") || name.ends_with("-shims.o")
}

/// Returns the panic symbols that `data`, a Mach-O object, refers to.
pub fn panic_references(data: &[u8]) -> Result<Vec<String>, String> {
    let file =
        object::File::parse(data).map_err(|error| format!("is not an object file: {error}"))?;
    Ok(file
        .symbols()
        .filter_map(|symbol| symbol.name().ok())
        .filter(|name| is_panic_symbol(name))
        .map(str::to_owned)
        .collect())
}

fn is_panic_symbol(name: &str) -> bool {
    PANIC_MARKERS.iter().any(|marker| name.contains(marker))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_symbols_are_recognised() {
        for name in [
            "__RNvNtCs4TPUZ2NVHw4_4core9panicking9panic_fmt",
            "__ZN4core9panicking18panic_bounds_check17h0123456789abcdefE",
            "__RNvNtCs4TPUZ2NVHw4_4core6option13unwrap_failed",
            "__RNvNtNtCs4TPUZ2NVHw4_4core5slice5index24slice_end_index_len_fail",
            "_rust_begin_unwind",
        ] {
            assert!(is_panic_symbol(name), "{name}");
        }
    }

    #[test]
    fn other_symbols_pass() {
        for name in [
            "__RNvNtCs4TPUZ2NVHw4_4core3fmt5write",
            "_dext_compat$cxxbridge1$205$copy_dispatch_queue",
            "__ZN9IOService16SetDispatchQueueEPKcP15IODispatchQueuePFiP15OSMetaClassBase5IORPCE",
        ] {
            assert!(!is_panic_symbol(name), "{name}");
        }
    }

    #[test]
    fn helper_members_are_recognised() {
        assert!(is_helper_member(
            "dext_compat-f4ec8626297a912a.dext_compat.1c85d29c43319285-cgu.0.rcgu.o"
        ));
        assert!(is_helper_member("57d18890017ebcda-bridge.rs.o"));
        assert!(is_helper_member("674d4745d87d838b-shims.o"));
        assert!(!is_helper_member(
            "dext_compat_staticlib-230a75235225d67e.dext_compat_staticlib.1d6b3b56d9faf708-cgu.0.rcgu.o"
        ));
        assert!(!is_helper_member(
            "core-9015851fb319742e.core.391492536d0491ba-cgu.00.rcgu.o"
        ));
    }
}
