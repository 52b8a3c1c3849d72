#!/usr/bin/env bash
# Runs the C++ side (shims, generated bridge, sample dext, simulated runtime)
# under AddressSanitizer with UndefinedBehaviorSanitizer and LeakSanitizer,
# then the concurrency test under ThreadSanitizer. Any report fails the run.
#
# The Rust code itself is not instrumented: -Zsanitizer needs a nightly
# toolchain with sanitizer runtimes, which these machines do not have. The
# C++ objects are instrumented through CXXFLAGS, and the sanitizer runtime is
# linked into the Rust test binaries with -l. CARGO_BUILD_TARGET keeps those
# flags off build scripts and proc macros, and the sample-dext runner's
# nested builds inherit it.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-x86_64-unknown-linux-gnu}"

echo "== AddressSanitizer, UndefinedBehaviorSanitizer, LeakSanitizer"
# The Rust test binary, not the runtime, comes first in the link, so ASan's
# link-order check would refuse to start; the runtime is still loaded first
# by the dynamic loader through the DT_NEEDED entry.
ASAN_OPTIONS="verify_asan_link_order=0:detect_leaks=1:abort_on_error=0:halt_on_error=1" \
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
CXXFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
RUSTFLAGS="-l dylib=asan -l dylib=ubsan" \
    cargo test --target-dir target/asan -p dext-compat -p sample-dext -p sample-dext-host

echo "== ThreadSanitizer"
# TSAN_OPTIONS makes any report fail the process at once.
TSAN_OPTIONS="halt_on_error=1" \
CXXFLAGS="-fsanitize=thread" \
RUSTFLAGS="-l dylib=tsan" \
    cargo test --target-dir target/tsan -p dext-compat --test concurrency

echo "sanitizers: 2 passed, 0 failed"
