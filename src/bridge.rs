//! The cxx bridge: the C++ entry points of the helper and the DriverKit types.
//!
//! The bridge uses only opaque types, raw pointers, `Pin<&mut T>` and
//! integers, so its generated header needs no C++ exceptions and includes
//! only `<cstdint>` and the shims' header.

use core::ffi::c_char;
use core::pin::Pin;

use crate::kern_return::kern_return_t;
use crate::name::QueueName;
use crate::options::QueueOptions;

#[cxx::bridge(namespace = "dext_compat")]
pub mod ffi {
    // Rust functions that a dext's C++ calls, declared in the generated
    // header `dext-compat/src/bridge.rs.h`.
    extern "Rust" {
        /// Sets the queue that external methods run on to the user client's
        /// default queue. Call it in `Start` of every IOUserClient subclass.
        /// Returns kIOReturnSuccess, also when the SDK needs no fix, or the
        /// code of the step that failed.
        #[cxx_name = "ensure_external_method_queue"]
        fn cxx_ensure_external_method_queue(user_client: Pin<&mut IOUserClient>) -> i32;

        /// The same with `DEXT_COMPAT_QUEUE_*` options; unknown bits return
        /// kIOReturnBadArgument before any DriverKit call.
        #[cxx_name = "ensure_external_method_queue_with_options"]
        fn cxx_ensure_external_method_queue_with_options(
            user_client: Pin<&mut IOUserClient>,
            options: u32,
        ) -> i32;

        /// Sets the queue named `name` on `service`, for any named queue.
        ///
        /// # Safety
        ///
        /// `name` is null or points to a NUL-terminated string or to at
        /// least 256 readable bytes.
        #[cxx_name = "ensure_named_queue"]
        unsafe fn cxx_ensure_named_queue(
            service: Pin<&mut IOService>,
            name: *const c_char,
            options: u32,
        ) -> i32;
    }

    // DriverKit's types, owned by the C++ side. The DriverKit calls go
    // through the plain C shims of src/shims.rs instead of cxx functions,
    // which would add a trampoline to every call.
    unsafe extern "C++" {
        include!("dext-compat/cpp/shims.h");

        #[namespace = ""]
        type IOService;
        #[namespace = ""]
        type IOUserClient;
        #[namespace = ""]
        type IODispatchQueue;
    }
}

fn cxx_ensure_external_method_queue(user_client: Pin<&mut ffi::IOUserClient>) -> kern_return_t {
    // SAFETY: a unique reference is a live object that nothing else uses
    // during the call.
    unsafe {
        crate::external_method_code(crate::queue::pinned_ptr(user_client), QueueOptions::empty())
    }
}

fn cxx_ensure_external_method_queue_with_options(
    user_client: Pin<&mut ffi::IOUserClient>,
    options: u32,
) -> kern_return_t {
    let Some(options) = QueueOptions::from_c(options) else {
        return crate::queue::reject_options(options);
    };
    // SAFETY: as above.
    unsafe { crate::external_method_code(crate::queue::pinned_ptr(user_client), options) }
}

/// # Safety
///
/// See the declaration in the bridge.
unsafe fn cxx_ensure_named_queue(
    service: Pin<&mut ffi::IOService>,
    name: *const c_char,
    options: u32,
) -> kern_return_t {
    let Some(options) = QueueOptions::from_c(options) else {
        return crate::queue::reject_options(options);
    };
    // SAFETY: the caller meets `QueueName::from_ptr`'s contract, which the
    // bridge declaration repeats, and the name outlives this call.
    let Some(name) = (unsafe { QueueName::from_ptr(name) }) else {
        return crate::queue::reject_arguments(options);
    };
    // SAFETY: a unique reference is a live object that nothing else uses
    // during the call.
    unsafe { crate::queue::ensure_code(crate::queue::pinned_ptr(service), name, options) }
}
