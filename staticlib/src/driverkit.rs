//! The panic handler of the DriverKit archive.
//!
//! The archive needs no global allocator: the library allocates nothing, and
//! `driverkit-build` builds cxx without `alloc`, so no code in the archive
//! can reach one.

use core::panic::PanicInfo;

unsafe extern "C" {
    // From DriverKit's C library, libSystem: the same `abort` that a failed
    // `assert` in the dext runtime ends in.
    fn abort() -> !;
}

/// Ends the dext process on any panic, without formatting the message.
///
/// The panic strategy of the DriverKit target specification is `abort`, so no
/// unwinding code exists to call instead.
#[panic_handler]
fn panic(_info: &PanicInfo<'_>) -> ! {
    // SAFETY: `abort` takes no arguments, has no preconditions and does not return.
    unsafe { abort() }
}
