//! The panic handler and global allocator of the DriverKit archive.

use core::alloc::{GlobalAlloc, Layout};
use core::mem::size_of;
use core::panic::PanicInfo;
use core::ptr;

unsafe extern "C" {
    // From DriverKit's C library, libSystem: the same `abort` that a failed
    // `assert` in the dext runtime ends in.
    fn abort() -> !;

    // From DriverKit.framework, <DriverKit/IOLib.h>. `IOMalloc` promises no
    // alignment, and `IOFree` must receive the length given to `IOMalloc`.
    fn IOMalloc(length: usize) -> *mut u8;
    fn IOFree(address: *mut u8, length: usize);
}

/// Ends the dext process on any panic, without formatting the message.
///
/// The panic strategy of the DriverKit target specification is `abort`, so no
/// unwinding code exists to call instead.
#[panic_handler]
fn panic(_info: &PanicInfo<'_>) -> ! {
    // SAFETY: `abort` takes no arguments, has no preconditions and does not return.
    unsafe { abort() }
}

/// Allocates through `IOMalloc` and frees through `IOFree`.
///
/// Because `IOMalloc` guarantees no alignment, every block is over-allocated
/// by `align - 1` bytes plus one pointer. The returned address is the first
/// address past that pointer slot that meets `layout.align()`, and the slot
/// just below it stores the address that `IOMalloc` returned.
struct IoMallocAllocator;

#[global_allocator]
static ALLOCATOR: IoMallocAllocator = IoMallocAllocator;

impl IoMallocAllocator {
    /// Returns the length to request from `IOMalloc` for `layout`, or `None`
    /// on overflow.
    fn raw_length(layout: Layout) -> Option<usize> {
        layout
            .size()
            .checked_add(size_of::<*mut u8>())?
            .checked_add(layout.align() - 1)
    }
}

// SAFETY: `alloc` returns null or a block of at least `layout.size()` bytes at
// a multiple of `layout.align()`, which stays valid until `dealloc` receives
// it. `dealloc` recovers the exact address and length given to `IOMalloc`.
unsafe impl GlobalAlloc for IoMallocAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(raw_length) = Self::raw_length(layout) else {
            return ptr::null_mut();
        };

        // SAFETY: `IOMalloc` accepts any length and returns null on failure.
        let raw = unsafe { IOMalloc(raw_length) };
        if raw.is_null() {
            return raw;
        }

        // The block holds the pointer slot, up to `align - 1` bytes of
        // padding and `layout.size()` bytes, so `aligned` and the
        // `layout.size()` bytes after it lie inside it.
        // `Layout` guarantees a power-of-two alignment, and the rounded-up
        // address cannot overflow because the block does not end past it.
        let first_candidate = raw.wrapping_add(size_of::<*mut u8>());
        let mask = layout.align() - 1;
        let padding = ((first_candidate.addr() + mask) & !mask) - first_candidate.addr();
        let aligned = first_candidate.wrapping_add(padding);

        // SAFETY: the slot lies inside the block, between `raw` and `aligned`.
        // It may be unaligned for a pointer, hence the unaligned write.
        unsafe {
            aligned
                .sub(size_of::<*mut u8>())
                .cast::<*mut u8>()
                .write_unaligned(raw)
        };
        aligned
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        // `alloc` succeeded with this layout, so the length did not overflow.
        let raw_length = Self::raw_length(layout).unwrap_or(0);

        // SAFETY: `block` came from `alloc` with this `layout` (the caller's
        // contract), which stored the `IOMalloc` address in the slot below it.
        let raw = unsafe {
            block
                .sub(size_of::<*mut u8>())
                .cast::<*mut u8>()
                .read_unaligned()
        };

        // SAFETY: `raw` and `raw_length` are the address and length of one
        // `IOMalloc` block that has not been freed yet.
        unsafe { IOFree(raw, raw_length) };
    }
}
