//! The C++ shims in `cpp/shims.cpp`: one DriverKit call each.

use core::ffi::c_char;

use crate::bridge::ffi::{IODispatchQueue, IOService};
use crate::kern_return::kern_return_t;

unsafe extern "C" {
    /// `service->CopyDispatchQueue(name, queue)`.
    ///
    /// # Safety
    ///
    /// `service` is a live service, `name` a NUL-terminated string and
    /// `queue` writable. On success with a non-null queue, the caller owns one
    /// reference to it.
    pub fn dext_compat_shim_copy_dispatch_queue(
        service: *mut IOService,
        name: *const c_char,
        queue: *mut *mut IODispatchQueue,
    ) -> kern_return_t;

    /// `service->SetDispatchQueue(name, queue)`.
    ///
    /// # Safety
    ///
    /// `service` is a live service, `name` a NUL-terminated string and
    /// `queue` a live queue.
    pub fn dext_compat_shim_set_dispatch_queue(
        service: *mut IOService,
        name: *const c_char,
        queue: *mut IODispatchQueue,
    ) -> kern_return_t;

    /// `IODispatchQueue::Create(name, 0, 0, queue)`.
    ///
    /// # Safety
    ///
    /// `name` is a NUL-terminated string and `queue` is writable.
    pub fn dext_compat_shim_create_dispatch_queue(
        name: *const c_char,
        queue: *mut *mut IODispatchQueue,
    ) -> kern_return_t;

    /// `queue->release()`.
    ///
    /// # Safety
    ///
    /// `queue` is a live queue on which the caller owns one reference, which
    /// this call gives up.
    pub fn dext_compat_shim_release_dispatch_queue(queue: *mut IODispatchQueue);

    /// Logs one failure with `os_log`.
    ///
    /// # Safety
    ///
    /// `step` is a NUL-terminated string; `queue_name` is null or one.
    pub fn dext_compat_shim_log_failure(
        step: *const c_char,
        queue_name: *const c_char,
        code: kern_return_t,
    );
}
