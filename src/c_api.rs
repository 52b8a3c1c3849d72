//! The plain C ABI, declared in `include/dext_compat/dext_compat.h`, for
//! code that cannot include cxx's generated header.

use core::ffi::c_char;
use core::ptr::NonNull;

use crate::bridge::ffi::{IOService, IOUserClient};
use crate::kern_return::kern_return_t;
use crate::name::QueueName;
use crate::options::QueueOptions;
use crate::queue;

/// C entry point of [`ensure_external_method_queue`](crate::ensure_external_method_queue)
/// with no options.
///
/// # Safety
///
/// `user_client` is null or a live user client that nothing else accesses
/// during the call. Null returns `kIOReturnBadArgument`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dext_compat_ensure_external_method_queue(
    user_client: *mut IOUserClient,
) -> kern_return_t {
    // SAFETY: the caller's contract is this function's own.
    unsafe { dext_compat_ensure_external_method_queue_with_options(user_client, 0) }
}

/// C entry point of [`ensure_external_method_queue`](crate::ensure_external_method_queue).
///
/// # Safety
///
/// As for [`dext_compat_ensure_external_method_queue`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dext_compat_ensure_external_method_queue_with_options(
    user_client: *mut IOUserClient,
    options: u32,
) -> kern_return_t {
    let Some(options) = QueueOptions::from_c(options) else {
        return queue::reject_options(options);
    };
    let Some(user_client) = NonNull::new(user_client) else {
        return queue::reject_arguments(options);
    };
    // SAFETY: the caller passes a live user client with no other access
    // during the call, which is what `external_method_code` requires.
    unsafe { crate::external_method_code(user_client, options) }
}

/// C entry point of [`ensure_named_queue`](crate::ensure_named_queue).
///
/// # Safety
///
/// `service` is null or a live service that nothing else accesses during
/// the call. `name` is null, or points to a NUL-terminated string or to at
/// least 256 readable bytes. A null pointer or a name that is empty or does
/// not fit `IODispatchQueueName` returns `kIOReturnBadArgument`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dext_compat_ensure_named_queue(
    service: *mut IOService,
    name: *const c_char,
    options: u32,
) -> kern_return_t {
    let Some(options) = QueueOptions::from_c(options) else {
        return queue::reject_options(options);
    };
    // SAFETY: the caller meets `QueueName::from_ptr`'s contract, repeated in
    // this function's, and the name outlives the call.
    let Some(name) = (unsafe { QueueName::from_ptr(name) }) else {
        return queue::reject_arguments(options);
    };
    let Some(service) = NonNull::new(service) else {
        return queue::reject_arguments(options);
    };
    // SAFETY: the caller passes a live service with no other access during
    // the call.
    unsafe { queue::ensure_code(service, name, options) }
}
