//! The helper's steps: copy or create a queue, set it under the name,
//! release the helper's reference whatever happened.
//!
//! The steps are written against [`QueueOps`], so the same code drives
//! DriverKit through the C++ shims in a dext and a Rust fake in the unit
//! tests, which run under Miri.

use core::pin::Pin;
use core::ptr::{self, NonNull};

use crate::bridge::ffi::{IODispatchQueue, IOService, IOUserClient};
use crate::error::{Error, Step, to_kern_return};
use crate::kern_return::{
    kIOReturnBadArgument, kIOReturnNoMemory, kIOReturnNotFound, kIOReturnSuccess, kern_return_t,
};
use crate::name::QueueName;
use crate::options::QueueOptions;
use crate::shims;

/// The queue name of slot 0, DriverKit's `kIOServiceDefaultQueueName`.
pub const DEFAULT_QUEUE_NAME: &core::ffi::CStr = c"Default";

/// The result of a successful call: which queue the name now refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// The name now refers to the object's default queue.
    AliasedDefaultQueue,
    /// The name now refers to a new serial queue of its own.
    CreatedDedicatedQueue,
    /// A queue was already set under the name and
    /// [`QueueOptions::KEEP_EXISTING`] kept it.
    KeptExistingQueue,
    /// The SDK predates `kIOUserClientQueueNameExternalMethod`, so no
    /// external method is routed to a named queue and there is nothing to set.
    NotNeeded,
}

/// The DriverKit calls the helper makes, on one object.
pub(crate) trait QueueOps {
    /// `CopyDispatchQueue(name, &queue)`: the code and the queue, which the
    /// caller owns when it is not null.
    fn copy_dispatch_queue(
        &mut self,
        name: &core::ffi::CStr,
    ) -> (kern_return_t, *mut IODispatchQueue);

    /// `SetDispatchQueue(name, queue)`.
    fn set_dispatch_queue(
        &mut self,
        name: QueueName<'_>,
        queue: NonNull<IODispatchQueue>,
    ) -> kern_return_t;

    /// `IODispatchQueue::Create(name, 0, 0, &queue)`.
    fn create_dispatch_queue(
        &mut self,
        name: QueueName<'_>,
    ) -> (kern_return_t, *mut IODispatchQueue);

    /// Gives up one reference the caller owns.
    fn release_dispatch_queue(&mut self, queue: NonNull<IODispatchQueue>);

    /// Logs a failure, naming the step, the queue and the code.
    fn log_failure(&mut self, error: Error, queue_name: Option<QueueName<'_>>) {
        log_failure(error, queue_name);
    }
}

/// Runs the steps, then logs a failure once unless `NO_LOG` is set.
#[inline(always)]
pub(crate) fn ensure<O: QueueOps>(
    ops: &mut O,
    name: QueueName<'_>,
    options: QueueOptions,
) -> Result<Outcome, Error> {
    let result = apply(ops, name, options);
    if let Err(error) = result
        && !options.contains(QueueOptions::NO_LOG)
    {
        ops.log_failure(error, Some(name));
    }
    result
}

#[inline(always)]
fn apply<O: QueueOps>(
    ops: &mut O,
    name: QueueName<'_>,
    options: QueueOptions,
) -> Result<Outcome, Error> {
    // Take a reference on the queue to install. The plain fix, by far the
    // most common call, tests the options once.
    let policies = QueueOptions::KEEP_EXISTING | QueueOptions::CREATE_DEDICATED;
    let (queue, outcome) = if options.intersects(policies) {
        match take_policy_queue(ops, name, options)? {
            Some(taken) => taken,
            None => return Ok(Outcome::KeptExistingQueue),
        }
    } else {
        let (code, queue) = ops.copy_dispatch_queue(DEFAULT_QUEUE_NAME);
        (
            owned_queue(Step::CopyDefaultQueue, code, queue, kIOReturnNotFound)?,
            Outcome::AliasedDefaultQueue,
        )
    };

    // Install it, then drop the helper's reference whatever happened: on
    // success the object's slot holds its own reference.
    let code = ops.set_dispatch_queue(name, queue);
    ops.release_dispatch_queue(queue);
    if code != kIOReturnSuccess {
        return Err(Error::new(Step::SetQueue, code));
    }
    Ok(outcome)
}

/// Applies KEEP_EXISTING and CREATE_DEDICATED: returns `None` when a queue
/// the dext already set is kept, else the queue to install and the outcome.
///
/// DriverKit leaves the out parameter alone on failure, so a queue returned
/// with an error code is not owned here and is not released. Success with no
/// queue is an error of its own: kIOReturnNotFound for a missing default
/// queue, kIOReturnNoMemory for a queue that could not be created.
#[inline(always)]
fn take_policy_queue<O: QueueOps>(
    ops: &mut O,
    name: QueueName<'_>,
    options: QueueOptions,
) -> Result<Option<(NonNull<IODispatchQueue>, Outcome)>, Error> {
    // A failed copy of the named queue, or a successful one that returns no
    // queue, both mean the slot is empty.
    if options.contains(QueueOptions::KEEP_EXISTING) {
        let (code, existing) = ops.copy_dispatch_queue(name.as_c_str());
        if code == kIOReturnSuccess
            && let Some(existing) = NonNull::new(existing)
        {
            ops.release_dispatch_queue(existing);
            return Ok(None);
        }
    }

    if options.contains(QueueOptions::CREATE_DEDICATED) {
        let (code, queue) = ops.create_dispatch_queue(name);
        let queue = owned_queue(Step::CreateQueue, code, queue, kIOReturnNoMemory)?;
        return Ok(Some((queue, Outcome::CreatedDedicatedQueue)));
    }
    let (code, queue) = ops.copy_dispatch_queue(DEFAULT_QUEUE_NAME);
    let queue = owned_queue(Step::CopyDefaultQueue, code, queue, kIOReturnNotFound)?;
    Ok(Some((queue, Outcome::AliasedDefaultQueue)))
}

fn owned_queue(
    step: Step,
    code: kern_return_t,
    queue: *mut IODispatchQueue,
    null_code: kern_return_t,
) -> Result<NonNull<IODispatchQueue>, Error> {
    if code != kIOReturnSuccess {
        return Err(Error::new(step, code));
    }
    NonNull::new(queue).ok_or(Error::new(step, null_code))
}

/// Rejects option bits this version does not know, before any DriverKit
/// call. The `NO_LOG` bit is honoured even among unknown bits.
pub(crate) fn reject_options(bits: u32) -> kern_return_t {
    let error = Error::new(Step::CheckOptions, kIOReturnBadArgument);
    if !QueueOptions::from_bits_truncate(bits).contains(QueueOptions::NO_LOG) {
        log_failure(error, None);
    }
    error.code()
}

/// Rejects a null object or an invalid queue name, before any DriverKit call.
pub(crate) fn reject_arguments(options: QueueOptions) -> kern_return_t {
    let error = Error::new(Step::CheckArguments, kIOReturnBadArgument);
    if !options.contains(QueueOptions::NO_LOG) {
        log_failure(error, None);
    }
    error.code()
}

/// Logs through `os_log` in the C++ shims.
fn log_failure(error: Error, queue_name: Option<QueueName<'_>>) {
    let queue_name = match queue_name {
        Some(name) => name.as_ptr(),
        None => ptr::null(),
    };
    // SAFETY: the step text is a static C string, and `queue_name` is null or
    // a checked `QueueName` that outlives the call.
    unsafe {
        shims::dext_compat_shim_log_failure(
            error.step().c_description().as_ptr(),
            queue_name,
            error.code(),
        )
    };
}

/// Returns the object behind a pinned reference, for the shims.
pub(crate) fn pinned_ptr<T>(object: Pin<&mut T>) -> NonNull<T> {
    // SAFETY: the pointer only reaches DriverKit, which never moves an object.
    NonNull::from(unsafe { object.get_unchecked_mut() })
}

/// Returns a user client as its `IOService` base, without a call.
///
/// IOService is IOUserClient's only, non-virtual base and both are dynamic
/// classes, so under the Itanium C++ ABI of every Apple platform the
/// IOService subobject is the primary base, at offset 0: the same address
/// names both. `cpp/shims.cpp` checks the class relationship at compile time.
pub(crate) fn user_client_service(user_client: NonNull<IOUserClient>) -> NonNull<IOService> {
    user_client.cast()
}

/// Runs the steps on a DriverKit object, for the Rust API.
///
/// # Safety
///
/// `service` is a live object that nothing else uses during the call.
#[inline(always)]
pub(crate) unsafe fn ensure_on_service(
    service: NonNull<IOService>,
    name: QueueName<'_>,
    options: QueueOptions,
) -> Result<Outcome, Error> {
    // INVARIANT: the caller guarantees what ServiceQueues requires.
    ensure(&mut ServiceQueues { service }, name, options)
}

/// Runs the steps on a DriverKit object and returns only the code, for the C
/// and C++ entry points of the general helper. One out-of-line copy serves
/// all of them, so a dext that calls the helper in several ways links the
/// steps once, and each entry point ends in a tail call.
///
/// # Safety
///
/// As for [`ensure_on_service`].
#[inline(never)]
pub(crate) unsafe fn ensure_code(
    service: NonNull<IOService>,
    name: QueueName<'_>,
    options: QueueOptions,
) -> kern_return_t {
    // SAFETY: the caller's contract is the same.
    to_kern_return(unsafe { ensure_on_service(service, name, options) })
}

/// [`QueueOps`] over DriverKit, for one service or user client.
///
/// INVARIANT: `service` is a live object that nothing else uses while this
/// value exists.
struct ServiceQueues {
    service: NonNull<IOService>,
}

impl QueueOps for ServiceQueues {
    fn copy_dispatch_queue(
        &mut self,
        name: &core::ffi::CStr,
    ) -> (kern_return_t, *mut IODispatchQueue) {
        let mut queue = ptr::null_mut();
        // SAFETY: the service is live (type invariant), `name` is a C string
        // and `queue` a writable local.
        let code = unsafe {
            shims::dext_compat_shim_copy_dispatch_queue(
                self.service.as_ptr(),
                name.as_ptr(),
                &mut queue,
            )
        };
        (code, queue)
    }

    fn set_dispatch_queue(
        &mut self,
        name: QueueName<'_>,
        queue: NonNull<IODispatchQueue>,
    ) -> kern_return_t {
        // SAFETY: the service is live (type invariant), `name` is a checked C
        // string, and the caller holds a reference on `queue`.
        unsafe {
            shims::dext_compat_shim_set_dispatch_queue(
                self.service.as_ptr(),
                name.as_ptr(),
                queue.as_ptr(),
            )
        }
    }

    fn create_dispatch_queue(
        &mut self,
        name: QueueName<'_>,
    ) -> (kern_return_t, *mut IODispatchQueue) {
        let mut queue = ptr::null_mut();
        // SAFETY: `name` is a checked C string and `queue` a writable local.
        let code =
            unsafe { shims::dext_compat_shim_create_dispatch_queue(name.as_ptr(), &mut queue) };
        (code, queue)
    }

    fn release_dispatch_queue(&mut self, queue: NonNull<IODispatchQueue>) {
        // SAFETY: the caller owns this reference and does not use it again.
        unsafe { shims::dext_compat_shim_release_dispatch_queue(queue.as_ptr()) }
    }
}

/// Pure-Rust tests of the steps against a fake runtime; they make no FFI
/// call, so Miri can run them.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::kern_return::kIOReturnError;

    /// Records the calls and holds the references the helper takes.
    #[derive(Default)]
    struct FakeOps {
        calls: [Option<&'static str>; 8],
        call_count: usize,
        /// References the helper owns right now.
        held: i32,
        copy_results: [Option<(kern_return_t, bool)>; 2],
        copies: usize,
        create_result: Option<(kern_return_t, bool)>,
        set_result: kern_return_t,
        logged: usize,
    }

    impl FakeOps {
        fn record(&mut self, call: &'static str) {
            if let Some(slot) = self.calls.get_mut(self.call_count) {
                *slot = Some(call);
            }
            self.call_count += 1;
        }

        fn recorded(&self) -> &[Option<&'static str>] {
            &self.calls[..self.call_count.min(self.calls.len())]
        }

        fn hand_out(
            &mut self,
            result: Option<(kern_return_t, bool)>,
        ) -> (kern_return_t, *mut IODispatchQueue) {
            let (code, gives_queue) = result.unwrap_or((kIOReturnSuccess, true));
            if code == kIOReturnSuccess && gives_queue {
                self.held += 1;
                (code, NonNull::dangling().as_ptr())
            } else {
                (code, ptr::null_mut())
            }
        }
    }

    impl QueueOps for FakeOps {
        fn copy_dispatch_queue(
            &mut self,
            _name: &core::ffi::CStr,
        ) -> (kern_return_t, *mut IODispatchQueue) {
            self.record("copy");
            let result = self.copy_results.get(self.copies).copied().flatten();
            self.copies += 1;
            self.hand_out(result)
        }

        fn set_dispatch_queue(
            &mut self,
            _name: QueueName<'_>,
            _queue: NonNull<IODispatchQueue>,
        ) -> kern_return_t {
            self.record("set");
            self.set_result
        }

        fn create_dispatch_queue(
            &mut self,
            _name: QueueName<'_>,
        ) -> (kern_return_t, *mut IODispatchQueue) {
            self.record("create");
            let result = self.create_result;
            self.hand_out(result)
        }

        fn release_dispatch_queue(&mut self, _queue: NonNull<IODispatchQueue>) {
            self.record("release");
            self.held -= 1;
        }

        fn log_failure(&mut self, _error: Error, _queue_name: Option<QueueName<'_>>) {
            self.logged += 1;
        }
    }

    fn name() -> QueueName<'static> {
        QueueName::new(c"IOUserClientQueueExternalMethod").expect("a valid name")
    }

    #[test]
    fn plain_fix_copies_sets_and_releases() {
        let mut ops = FakeOps::default();

        let result = ensure(&mut ops, name(), QueueOptions::empty());

        assert_eq!(result, Ok(Outcome::AliasedDefaultQueue));
        assert_eq!(ops.recorded(), [Some("copy"), Some("set"), Some("release")]);
        assert_eq!(ops.held, 0);
        assert_eq!(ops.logged, 0);
    }

    #[test]
    fn failed_set_still_releases() {
        let mut ops = FakeOps {
            set_result: kIOReturnBadArgument,
            ..FakeOps::default()
        };

        let result = ensure(&mut ops, name(), QueueOptions::empty());

        assert_eq!(
            result,
            Err(Error::new(Step::SetQueue, kIOReturnBadArgument))
        );
        assert_eq!(ops.held, 0);
        assert_eq!(ops.logged, 1);
    }

    #[test]
    fn failed_copy_stops_before_set() {
        let mut ops = FakeOps {
            copy_results: [Some((kIOReturnError, false)), None],
            ..FakeOps::default()
        };

        let result = ensure(&mut ops, name(), QueueOptions::NO_LOG);

        assert_eq!(
            result,
            Err(Error::new(Step::CopyDefaultQueue, kIOReturnError))
        );
        assert_eq!(ops.recorded(), [Some("copy")]);
        assert_eq!(ops.logged, 0);
    }

    #[test]
    fn copy_without_queue_is_not_found() {
        let mut ops = FakeOps {
            copy_results: [Some((kIOReturnSuccess, false)), None],
            ..FakeOps::default()
        };

        let result = ensure(&mut ops, name(), QueueOptions::empty());

        assert_eq!(
            result,
            Err(Error::new(Step::CopyDefaultQueue, kIOReturnNotFound))
        );
        assert_eq!(ops.held, 0);
    }

    #[test]
    fn create_without_queue_is_no_memory() {
        let mut ops = FakeOps {
            create_result: Some((kIOReturnSuccess, false)),
            ..FakeOps::default()
        };

        let result = ensure(&mut ops, name(), QueueOptions::CREATE_DEDICATED);

        assert_eq!(
            result,
            Err(Error::new(Step::CreateQueue, kIOReturnNoMemory))
        );
        assert_eq!(ops.recorded(), [Some("create")]);
    }

    #[test]
    fn keep_existing_stops_at_a_set_queue() {
        let mut ops = FakeOps::default();

        let result = ensure(&mut ops, name(), QueueOptions::KEEP_EXISTING);

        assert_eq!(result, Ok(Outcome::KeptExistingQueue));
        assert_eq!(ops.recorded(), [Some("copy"), Some("release")]);
        assert_eq!(ops.held, 0);
    }

    #[test]
    fn keep_existing_sets_an_empty_slot() {
        let mut ops = FakeOps {
            copy_results: [Some((kIOReturnNotFound, false)), None],
            ..FakeOps::default()
        };

        let result = ensure(
            &mut ops,
            name(),
            QueueOptions::KEEP_EXISTING | QueueOptions::CREATE_DEDICATED,
        );

        assert_eq!(result, Ok(Outcome::CreatedDedicatedQueue));
        assert_eq!(
            ops.recorded(),
            [Some("copy"), Some("create"), Some("set"), Some("release")]
        );
        assert_eq!(ops.held, 0);
    }

    #[test]
    fn error_never_reports_success() {
        assert_eq!(
            Error::new(Step::SetQueue, kIOReturnSuccess).code(),
            kIOReturnError
        );
    }
}
