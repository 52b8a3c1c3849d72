//! The helper's steps: copy or create a queue, set it under the name,
//! release the helper's reference whatever happened.
//!
//! The steps are written against [`QueueOps`], so the same code drives
//! DriverKit through the C++ shims in a dext and a Rust fake in the unit
//! tests, which run under Miri.

use core::pin::Pin;
use core::ptr::{self, NonNull};

use crate::bridge::ffi::{self, IODispatchQueue, IOService};
use crate::error::{Error, Step};
use crate::kern_return::{
    kIOReturnBadArgument, kIOReturnNoMemory, kIOReturnNotFound, kIOReturnSuccess, kern_return_t,
};
use crate::name::QueueName;
use crate::options::QueueOptions;

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

fn apply<O: QueueOps>(
    ops: &mut O,
    name: QueueName<'_>,
    options: QueueOptions,
) -> Result<Outcome, Error> {
    // Keep a queue the dext already set. A failed copy, or a successful one
    // that returns no queue, both mean the slot is empty. As below, a queue
    // returned with an error code is not owned here.
    if options.contains(QueueOptions::KEEP_EXISTING) {
        let (code, existing) = ops.copy_dispatch_queue(name.as_c_str());
        if code == kIOReturnSuccess
            && let Some(existing) = NonNull::new(existing)
        {
            ops.release_dispatch_queue(existing);
            return Ok(Outcome::KeptExistingQueue);
        }
    }

    // Take a reference on the queue to install. DriverKit leaves the out
    // parameter alone on failure, so a queue returned with an error code is
    // not owned here and is not released. Success with no queue becomes an
    // error of its own: kIOReturnNotFound for a missing default queue,
    // kIOReturnNoMemory for a queue that could not be created.
    let (queue, outcome) = if options.contains(QueueOptions::CREATE_DEDICATED) {
        let (code, queue) = ops.create_dispatch_queue(name);
        (
            owned_queue(Step::CreateQueue, code, queue, kIOReturnNoMemory)?,
            Outcome::CreatedDedicatedQueue,
        )
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
        ffi::log_failure(
            error.step().c_description().as_ptr(),
            queue_name,
            error.code(),
        )
    };
}

/// [`QueueOps`] over DriverKit, for one service or user client.
pub(crate) struct ServiceQueues<'a> {
    service: Pin<&'a mut IOService>,
}

impl<'a> ServiceQueues<'a> {
    pub(crate) fn new(service: Pin<&'a mut IOService>) -> ServiceQueues<'a> {
        ServiceQueues { service }
    }
}

impl QueueOps for ServiceQueues<'_> {
    fn copy_dispatch_queue(
        &mut self,
        name: &core::ffi::CStr,
    ) -> (kern_return_t, *mut IODispatchQueue) {
        let mut queue = ptr::null_mut();
        // SAFETY: `name` is a C string and `queue` a writable local.
        let code =
            unsafe { ffi::copy_dispatch_queue(self.service.as_mut(), name.as_ptr(), &mut queue) };
        (code, queue)
    }

    fn set_dispatch_queue(
        &mut self,
        name: QueueName<'_>,
        queue: NonNull<IODispatchQueue>,
    ) -> kern_return_t {
        // SAFETY: `name` is a checked C string; the caller holds a reference
        // on `queue`, so it is live for the call.
        unsafe { ffi::set_dispatch_queue(self.service.as_mut(), name.as_ptr(), queue.as_ptr()) }
    }

    fn create_dispatch_queue(
        &mut self,
        name: QueueName<'_>,
    ) -> (kern_return_t, *mut IODispatchQueue) {
        let mut queue = ptr::null_mut();
        // SAFETY: `name` is a checked C string and `queue` a writable local.
        let code = unsafe { ffi::create_dispatch_queue(name.as_ptr(), &mut queue) };
        (code, queue)
    }

    fn release_dispatch_queue(&mut self, queue: NonNull<IODispatchQueue>) {
        // SAFETY: the caller owns this reference and does not use it again.
        unsafe { ffi::release_dispatch_queue(queue.as_ptr()) }
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

        fn hand_out(&mut self, result: Option<(kern_return_t, bool)>) -> (kern_return_t, *mut IODispatchQueue) {
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
        fn copy_dispatch_queue(&mut self, _name: &core::ffi::CStr) -> (kern_return_t, *mut IODispatchQueue) {
            self.record("copy");
            let result = self.copy_results.get(self.copies).copied().flatten();
            self.copies += 1;
            self.hand_out(result)
        }

        fn set_dispatch_queue(&mut self, _name: QueueName<'_>, _queue: NonNull<IODispatchQueue>) -> kern_return_t {
            self.record("set");
            self.set_result
        }

        fn create_dispatch_queue(&mut self, _name: QueueName<'_>) -> (kern_return_t, *mut IODispatchQueue) {
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
        let mut ops = FakeOps { set_result: kIOReturnBadArgument, ..FakeOps::default() };

        let result = ensure(&mut ops, name(), QueueOptions::empty());

        assert_eq!(result, Err(Error::new(Step::SetQueue, kIOReturnBadArgument)));
        assert_eq!(ops.held, 0);
        assert_eq!(ops.logged, 1);
    }

    #[test]
    fn failed_copy_stops_before_set() {
        let mut ops = FakeOps { copy_results: [Some((kIOReturnError, false)), None], ..FakeOps::default() };

        let result = ensure(&mut ops, name(), QueueOptions::NO_LOG);

        assert_eq!(result, Err(Error::new(Step::CopyDefaultQueue, kIOReturnError)));
        assert_eq!(ops.recorded(), [Some("copy")]);
        assert_eq!(ops.logged, 0);
    }

    #[test]
    fn copy_without_queue_is_not_found() {
        let mut ops = FakeOps { copy_results: [Some((kIOReturnSuccess, false)), None], ..FakeOps::default() };

        let result = ensure(&mut ops, name(), QueueOptions::empty());

        assert_eq!(result, Err(Error::new(Step::CopyDefaultQueue, kIOReturnNotFound)));
        assert_eq!(ops.held, 0);
    }

    #[test]
    fn create_without_queue_is_no_memory() {
        let mut ops = FakeOps { create_result: Some((kIOReturnSuccess, false)), ..FakeOps::default() };

        let result = ensure(&mut ops, name(), QueueOptions::CREATE_DEDICATED);

        assert_eq!(result, Err(Error::new(Step::CreateQueue, kIOReturnNoMemory)));
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
        let mut ops = FakeOps { copy_results: [Some((kIOReturnNotFound, false)), None], ..FakeOps::default() };

        let result = ensure(&mut ops, name(), QueueOptions::KEEP_EXISTING | QueueOptions::CREATE_DEDICATED);

        assert_eq!(result, Ok(Outcome::CreatedDedicatedQueue));
        assert_eq!(ops.recorded(), [Some("copy"), Some("create"), Some("set"), Some("release")]);
        assert_eq!(ops.held, 0);
    }

    #[test]
    fn error_never_reports_success() {
        assert_eq!(Error::new(Step::SetQueue, kIOReturnSuccess).code(), kIOReturnError);
    }
}
