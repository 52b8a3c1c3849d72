//! The policies a caller can choose for the named queue.

use bitflags::bitflags;

bitflags! {
    /// How [`ensure_named_queue`](crate::ensure_named_queue) sets the queue.
    ///
    /// The empty set is the plain fix: the named slot gets the object's
    /// default queue, replacing whatever it held. The bit values are part of
    /// the C ABI (`DEXT_COMPAT_QUEUE_*` in `<dext_compat/dext_compat.h>`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct QueueOptions: u32 {
        /// Leave the slot alone when the dext has already set a queue under
        /// the name, for dexts that set their own queue before calling the
        /// helper and only want the helper as a safety net.
        const KEEP_EXISTING = 1 << 0;
        /// Create a dedicated serial queue under the name
        /// (`IODispatchQueue::Create`) instead of naming the default queue,
        /// so external methods no longer wait behind the default queue's work.
        const CREATE_DEDICATED = 1 << 1;
        /// Do not `os_log` failures; the returned code still reports them.
        const NO_LOG = 1 << 2;
    }
}

impl QueueOptions {
    /// Converts options from C, rejecting bits this version does not know so
    /// that a dext built against a newer header fails loudly instead of
    /// silently losing a policy.
    pub const fn from_c(bits: u32) -> Option<QueueOptions> {
        QueueOptions::from_bits(bits)
    }
}
