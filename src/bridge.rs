//! The cxx bridge: the C++ entry points of the helper, and the DriverKit
//! calls it makes through the free functions in `cpp/shims.cpp`.
//!
//! DriverKit's queue accessors end in a defaulted `OSDispatchMethod
//! supermethod` parameter, so cxx cannot bind them as methods with exact
//! types; each one is reached through a small C++ free function instead.
//! The bridge uses only opaque types, raw pointers, `Pin<&mut T>` and
//! integers, so its generated header needs no C++ exceptions and includes
//! only `<cstdint>` and the shims' header.

use core::ffi::c_char;
use core::pin::Pin;

use crate::error::to_kern_return;
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

    // DriverKit, owned by the C++ side.
    unsafe extern "C++" {
        include!("dext-compat/cpp/shims.h");

        #[namespace = ""]
        type IOService;
        #[namespace = ""]
        type IOUserClient;
        #[namespace = ""]
        type IODispatchQueue;

        fn user_client_as_service(user_client: Pin<&mut IOUserClient>) -> Pin<&mut IOService>;

        /// # Safety
        ///
        /// `name` is a NUL-terminated string and `queue` is writable.
        unsafe fn copy_dispatch_queue(
            service: Pin<&mut IOService>,
            name: *const c_char,
            queue: *mut *mut IODispatchQueue,
        ) -> i32;

        /// # Safety
        ///
        /// `name` is a NUL-terminated string and `queue` a live queue.
        unsafe fn set_dispatch_queue(
            service: Pin<&mut IOService>,
            name: *const c_char,
            queue: *mut IODispatchQueue,
        ) -> i32;

        /// # Safety
        ///
        /// `name` is a NUL-terminated string and `queue` is writable.
        unsafe fn create_dispatch_queue(
            name: *const c_char,
            queue: *mut *mut IODispatchQueue,
        ) -> i32;

        /// # Safety
        ///
        /// `queue` is a live queue on which the caller owns one reference,
        /// which this call gives up.
        unsafe fn release_dispatch_queue(queue: *mut IODispatchQueue);

        /// # Safety
        ///
        /// `step` is a NUL-terminated string; `queue_name` is null or one.
        unsafe fn log_failure(step: *const c_char, queue_name: *const c_char, code: i32);
    }
}

fn cxx_ensure_external_method_queue(user_client: Pin<&mut ffi::IOUserClient>) -> kern_return_t {
    to_kern_return(crate::ensure_external_method_queue(
        user_client,
        QueueOptions::empty(),
    ))
}

fn cxx_ensure_external_method_queue_with_options(
    user_client: Pin<&mut ffi::IOUserClient>,
    options: u32,
) -> kern_return_t {
    match QueueOptions::from_c(options) {
        Some(options) => to_kern_return(crate::ensure_external_method_queue(user_client, options)),
        None => crate::queue::reject_options(options),
    }
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
    to_kern_return(crate::queue::ensure(
        &mut crate::queue::ServiceQueues::new(service),
        name,
        options,
    ))
}
