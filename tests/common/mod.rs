//! Shared by the integration tests: the SDK this build used, and simulated
//! objects as the library's types.

#![allow(dead_code, reason = "each test file uses part of this module")]

use core::pin::Pin;

use dext_compat::{IOService, IOUserClient};
use dext_sim::Object;

/// The DriverKit major version the test objects imitate: 21 when the SDK this
/// binary was built with defines the ExternalMethod queue name, else 20.
pub fn sdk_major() -> u32 {
    if dext_compat::EXTERNAL_METHOD_QUEUE_NAME.is_some() {
        21
    } else {
        20
    }
}

/// Returns the object as the library's user client.
pub fn user_client(object: Object) -> Pin<&'static mut IOUserClient> {
    // SAFETY: simulated objects stay allocated until their simulation ends,
    // and each test uses an object from one place at a time, which is what a
    // unique reference needs. DriverKit objects never move.
    unsafe { Pin::new_unchecked(&mut *object.cast::<IOUserClient>()) }
}

/// Returns the object as the library's service.
pub fn service(object: Object) -> Pin<&'static mut IOService> {
    // SAFETY: as for `user_client`.
    unsafe { Pin::new_unchecked(&mut *object.cast::<IOService>()) }
}
