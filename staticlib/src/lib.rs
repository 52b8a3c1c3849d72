//! The static-library form of `dext-compat`: the archive that an Xcode dext
//! target links, built by `driverkit-build` as `libdext_compat.a`.
//!
//! It re-exports the C ABI of the `dext-compat` rlib, so every symbol declared
//! in `dext_compat/dext_compat.h` is in the archive, and it adds what only a
//! final `no_std` artefact may define:
//!
//! a panic handler that calls the C library's `abort()` and formats no
//! message, so none of `core::fmt`'s panic-message code is linked for it. It
//! needs no global allocator, because `driverkit-build` builds the archive
//! without the `alloc` crate.
//!
//! The handler exists only when building for DriverKit (`cfg(dext_compat_driverkit)`,
//! set by the build script). On any other target the crate links `std`, which
//! brings its own, so the workspace still builds and tests on the host.
//!
//! A Rust dext must not link this archive together with the `dext-compat`
//! rlib: it depends on the rlib and defines its own panic handler.

#![cfg_attr(dext_compat_driverkit, no_std)]

// Linking the rlib is what puts its `#[no_mangle]` C functions and its C++
// objects into this archive.
pub use dext_compat;

#[cfg(dext_compat_driverkit)]
mod driverkit;
