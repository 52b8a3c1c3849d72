//! `kern_return_t` and the IOKit return codes the helper produces or passes
//! through, with the values of DriverKit's `<DriverKit/IOReturn.h>`.

// The names are DriverKit's, so that a search for `kIOReturnBadArgument`
// finds them.
#![allow(non_camel_case_types, non_upper_case_globals)]

/// DriverKit's return type: a C `int`, 32 bits on every Apple platform.
pub type kern_return_t = i32;

/// `iokit_common_err(code)`: `sys_iokit | sub_iokit_common | code`.
const fn iokit_common_err(code: u32) -> kern_return_t {
    (0xe000_0000 | code) as kern_return_t
}

pub const kIOReturnSuccess: kern_return_t = 0;
pub const kIOReturnError: kern_return_t = iokit_common_err(0x2bc);
pub const kIOReturnNoMemory: kern_return_t = iokit_common_err(0x2bd);
pub const kIOReturnNoResources: kern_return_t = iokit_common_err(0x2be);
pub const kIOReturnBadArgument: kern_return_t = iokit_common_err(0x2c2);
pub const kIOReturnUnsupported: kern_return_t = iokit_common_err(0x2c7);
pub const kIOReturnNotReady: kern_return_t = iokit_common_err(0x2d8);
pub const kIOReturnNotFound: kern_return_t = iokit_common_err(0x2f0);

/// Returns the DriverKit name of `code`, for messages, or `None` for a code
/// this crate does not know.
pub const fn name(code: kern_return_t) -> Option<&'static str> {
    Some(match code {
        kIOReturnSuccess => "kIOReturnSuccess",
        kIOReturnError => "kIOReturnError",
        kIOReturnNoMemory => "kIOReturnNoMemory",
        kIOReturnNoResources => "kIOReturnNoResources",
        kIOReturnBadArgument => "kIOReturnBadArgument",
        kIOReturnUnsupported => "kIOReturnUnsupported",
        kIOReturnNotReady => "kIOReturnNotReady",
        kIOReturnNotFound => "kIOReturnNotFound",
        _ => return None,
    })
}
