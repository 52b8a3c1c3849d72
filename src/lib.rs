//! Keeps a DriverKit extension built with the DriverKit 21 SDK or newer from
//! aborting on macOS 10.15 and 11 the first time a client calls an external
//! method.
//!
//! From DriverKit 21 on, `IOUserClient::ExternalMethod` runs on the queue
//! named `kIOUserClientQueueNameExternalMethod`. The DriverKit 19 and 20
//! runtimes assert when such a named queue was never set, instead of falling
//! back to the default queue. The fix is to set that queue in `Start` of every
//! `IOUserClient` subclass; this crate does it, checks its arguments, logs
//! failures once, and balances every reference it takes.
//!
//! Three ways in, all with the same behaviour:
//! - C++ through the cxx bridge: `dext_compat::ensure_external_method_queue(*this)`
//!   from `dext-compat/src/bridge.rs.h`;
//! - a plain C ABI: `dext_compat_ensure_external_method_queue(this)` from
//!   `<dext_compat/dext_compat.h>`;
//! - Rust: [`ensure_external_method_queue`] and [`ensure_named_queue`].
//!
//! ```no_run
//! use core::pin::Pin;
//! use dext_compat::{IOUserClient, QueueOptions, ensure_external_method_queue};
//!
//! fn start(user_client: Pin<&mut IOUserClient>) -> i32 {
//!     match ensure_external_method_queue(user_client, QueueOptions::empty()) {
//!         Ok(_) => dext_compat::kern_return::kIOReturnSuccess,
//!         // The helper has already logged the failure; fail Start with it.
//!         Err(error) => error.code(),
//!     }
//! }
//! ```
//!
//! # Build configuration
//!
//! The build script finds the DriverKit SDK (see `build/sdk.rs`) and sets
//! `cfg(dext_compat_external_method_queue)` exactly when the SDK defines
//! `kIOUserClientQueueNameExternalMethod`. With an older SDK the ExternalMethod
//! helper returns [`Outcome::NotNeeded`] without calling DriverKit.
//!
//! The crate is `no_std` and allocates nothing. The helper path has no panic:
//! every failure is a returned [`Error`]. The crate is an rlib with no panic
//! handler; the static library for DriverKit, with its panic handler, is the
//! `dext-compat-staticlib` package.

#![no_std]

mod bridge;
mod c_api;
mod error;
pub mod kern_return;
mod name;
mod options;
mod queue;
mod shims;

use core::ffi::CStr;
use core::pin::Pin;

use static_assertions::{assert_eq_size, const_assert_eq};

pub use bridge::ffi::{IODispatchQueue, IOService, IOUserClient};
pub use c_api::{
    dext_compat_ensure_external_method_queue,
    dext_compat_ensure_external_method_queue_with_options, dext_compat_ensure_named_queue,
};
pub use error::{Error, Step};
pub use name::QUEUE_NAME_CAPACITY;
pub use options::QueueOptions;
pub use queue::{DEFAULT_QUEUE_NAME, Outcome};

use kern_return::{kIOReturnBadArgument, kern_return_t};
use name::QueueName;

// What the C ABI and the bridge rely on: kern_return_t is a 32-bit C int,
// and object pointers are plain addresses.
const_assert_eq!(
    core::mem::size_of::<kern_return_t>(),
    core::mem::size_of::<core::ffi::c_int>()
);
const_assert_eq!(core::mem::size_of::<kern_return_t>(), 4);
assert_eq_size!(*mut IOUserClient, usize);
assert_eq_size!(*mut IOService, usize);
assert_eq_size!(*mut IODispatchQueue, usize);
const_assert_eq!(core::mem::size_of::<core::ffi::c_char>(), 1);

cfg_if::cfg_if! {
    if #[cfg(dext_compat_external_method_queue)] {
        /// The SDK's `kIOUserClientQueueNameExternalMethod`, read from its
        /// headers at build time, or `None` when the SDK predates it.
        pub const EXTERNAL_METHOD_QUEUE_NAME: Option<&CStr> =
            match CStr::from_bytes_with_nul(concat!(env!("DEXT_COMPAT_EXTERNAL_METHOD_QUEUE_NAME"), "\0").as_bytes()) {
                Ok(name) => Some(name),
                Err(_) => panic!("the build script checked that the queue name has no NUL"),
            };
    } else {
        /// The SDK's `kIOUserClientQueueNameExternalMethod`, read from its
        /// headers at build time, or `None` when the SDK predates it.
        pub const EXTERNAL_METHOD_QUEUE_NAME: Option<&CStr> = None;
    }
}

/// The checked name, worked out at compile time.
pub(crate) const EXTERNAL_METHOD_QUEUE: Option<QueueName<'static>> =
    match EXTERNAL_METHOD_QUEUE_NAME {
        Some(name) => QueueName::new(name),
        None => None,
    };

/// The ExternalMethod helper for the C and C++ entry points: the code only.
/// One out-of-line copy serves all of them, with the queue name a constant.
///
/// # Safety
///
/// `user_client` is a live object that nothing else uses during the call.
#[inline(never)]
pub(crate) unsafe fn external_method_code(
    user_client: core::ptr::NonNull<IOUserClient>,
    options: QueueOptions,
) -> kern_return_t {
    let Some(name) = EXTERNAL_METHOD_QUEUE else {
        return kern_return::kIOReturnSuccess;
    };
    // SAFETY: the caller's contract is `ensure_on_service`'s.
    let result =
        unsafe { queue::ensure_on_service(queue::user_client_service(user_client), name, options) };
    error::to_kern_return(result)
}

/// Sets the queue that external methods run on, so that the DriverKit 19 and
/// 20 runtimes find one.
///
/// Call it in `Start` of every `IOUserClient` subclass, after the superclass's
/// `Start` and after any change of the default queue, before a client can call
/// an external method. By default the named queue becomes the user client's
/// default queue, which is where those runtimes would run the method anyway;
/// [`QueueOptions`] chooses other policies. Calling it again is harmless.
///
/// With an SDK older than DriverKit 21 it returns [`Outcome::NotNeeded`] and
/// makes no DriverKit call.
///
/// # Errors
///
/// The step that failed and its `kern_return_t`, as for [`ensure_named_queue`].
/// The failure has been logged with `os_log` unless [`QueueOptions::NO_LOG`]
/// is set.
pub fn ensure_external_method_queue(
    user_client: Pin<&mut IOUserClient>,
    options: QueueOptions,
) -> Result<Outcome, Error> {
    check_options(options)?;
    match EXTERNAL_METHOD_QUEUE {
        // SAFETY: a unique reference is a live object that nothing else uses
        // during the call.
        Some(name) => unsafe {
            queue::ensure_on_service(
                queue::user_client_service(queue::pinned_ptr(user_client)),
                name,
                options,
            )
        },
        None => Ok(Outcome::NotNeeded),
    }
}

/// Sets the dispatch queue named `name` on `service`.
///
/// For any named queue a dext must set, such as the `AuxiliaryQueue` and
/// `InterruptQueue` of a SCSI controller dext. The steps: take a reference on
/// the object's default queue (`CopyDispatchQueue("Default")`), or create a
/// new queue with [`QueueOptions::CREATE_DEDICATED`]; `SetDispatchQueue(name,
/// queue)`; release the helper's reference whatever happened.
///
/// # Errors
///
/// - [`Step::CheckOptions`] with `kIOReturnBadArgument` for an option bit
///   this version does not know, and [`Step::CheckArguments`] with
///   `kIOReturnBadArgument` when `name` is empty or longer than 255 bytes,
///   both before any DriverKit call;
/// - [`Step::CopyDefaultQueue`], [`Step::CreateQueue`] or [`Step::SetQueue`]
///   with DriverKit's code. When DriverKit reports success but returns no
///   queue, the code is `kIOReturnNotFound` for the default queue and
///   `kIOReturnNoMemory` for a created one.
pub fn ensure_named_queue(
    service: Pin<&mut IOService>,
    name: &CStr,
    options: QueueOptions,
) -> Result<Outcome, Error> {
    check_options(options)?;
    let Some(name) = QueueName::new(name) else {
        let error = Error::new(Step::CheckArguments, kIOReturnBadArgument);
        queue::reject_arguments(options);
        return Err(error);
    };
    // SAFETY: a unique reference is a live object that nothing else uses
    // during the call.
    unsafe { queue::ensure_on_service(queue::pinned_ptr(service), name, options) }
}

/// Rejects bits that `QueueOptions::from_bits_retain` let through but this
/// version does not know, as the C entry points do.
fn check_options(options: QueueOptions) -> Result<(), Error> {
    if QueueOptions::from_c(options.bits()).is_some() {
        return Ok(());
    }
    Err(Error::new(
        Step::CheckOptions,
        queue::reject_options(options.bits()),
    ))
}
