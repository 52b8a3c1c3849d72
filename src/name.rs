//! Checked dispatch-queue names.

use core::ffi::{CStr, c_char};

/// The size of DriverKit's `IODispatchQueueName`: 255 bytes and the NUL.
pub const QUEUE_NAME_CAPACITY: usize = 256;

/// A queue name that fits `IODispatchQueueName`: not empty, at most 255
/// bytes, NUL-terminated.
///
/// INVARIANT: `self.0` is NUL-terminated within [`QUEUE_NAME_CAPACITY`] bytes
/// and its first byte is not NUL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueName<'a>(&'a CStr);

impl<'a> QueueName<'a> {
    /// Checks a name given as a Rust C string.
    pub const fn new(name: &'a CStr) -> Option<QueueName<'a>> {
        let length = name.count_bytes();
        if length == 0 || length >= QUEUE_NAME_CAPACITY {
            return None;
        }
        // INVARIANT: a CStr ends with its NUL, checked above to lie within
        // the capacity, and its length is not zero.
        Some(QueueName(name))
    }

    /// Checks a name given as a C pointer, reading at most
    /// [`QUEUE_NAME_CAPACITY`] bytes: the first NUL ends the name, and a name
    /// with no NUL in that many bytes is rejected without reading further.
    ///
    /// # Safety
    ///
    /// `name` is null, or it points to a NUL-terminated string, or to at
    /// least [`QUEUE_NAME_CAPACITY`] readable bytes. The bytes stay unchanged
    /// for `'a`.
    pub unsafe fn from_ptr(name: *const c_char) -> Option<QueueName<'a>> {
        if name.is_null() {
            return None;
        }
        let mut length = 0;
        while length < QUEUE_NAME_CAPACITY {
            // SAFETY: the caller guarantees readable bytes up to the NUL or
            // up to the capacity, and the loop stops at whichever comes first.
            if unsafe { name.add(length).read() } == 0 {
                break;
            }
            length += 1;
        }
        if length == 0 || length == QUEUE_NAME_CAPACITY {
            return None;
        }
        // SAFETY: the loop found a NUL at `length`, so the bytes from `name`
        // through that NUL form a C string, valid for 'a by the caller's
        // guarantee.
        let name = unsafe { CStr::from_ptr(name) };
        Some(QueueName(name))
    }

    pub const fn as_c_str(&self) -> &'a CStr {
        self.0
    }

    pub const fn as_ptr(&self) -> *const c_char {
        self.0.as_ptr()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_rejects_empty() {
        assert_eq!(QueueName::new(c""), None);
    }

    #[test]
    fn name_accepts_255_bytes() {
        let mut bytes = [b'q'; QUEUE_NAME_CAPACITY];
        bytes[QUEUE_NAME_CAPACITY - 1] = 0;
        let name = CStr::from_bytes_with_nul(&bytes).expect("one NUL at the end");
        assert!(QueueName::new(name).is_some());
        // SAFETY: `bytes` is NUL-terminated and outlives the call.
        assert!(unsafe { QueueName::from_ptr(bytes.as_ptr().cast()) }.is_some());
    }

    #[test]
    fn name_rejects_256_bytes() {
        let mut bytes = [b'q'; QUEUE_NAME_CAPACITY + 1];
        bytes[QUEUE_NAME_CAPACITY] = 0;
        let name = CStr::from_bytes_with_nul(&bytes).expect("one NUL at the end");
        assert_eq!(QueueName::new(name), None);
        // SAFETY: `bytes` is NUL-terminated and outlives the call.
        assert_eq!(unsafe { QueueName::from_ptr(bytes.as_ptr().cast()) }, None);
    }

    #[test]
    fn name_rejects_missing_nul_within_capacity() {
        // Exactly the capacity and no NUL: the reader must stop at the end.
        let bytes = [b'q'; QUEUE_NAME_CAPACITY];
        // SAFETY: `bytes` has QUEUE_NAME_CAPACITY readable bytes.
        assert_eq!(unsafe { QueueName::from_ptr(bytes.as_ptr().cast()) }, None);
    }

    #[test]
    fn name_rejects_null_pointer() {
        // SAFETY: null is allowed by the contract.
        assert_eq!(unsafe { QueueName::from_ptr(core::ptr::null()) }, None);
    }
}
