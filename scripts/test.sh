#!/usr/bin/env bash
# Runs every check of the project, in order, and prints one line per step and
# a closing "N passed, N failed". Exits non-zero when any step fails. Needs
# the packages that .ci/run installs.
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

passed=0
failed=0
failures=()

step() {
    local name="$1"
    shift
    echo
    echo "=== $name"
    if "$@"; then
        passed=$((passed + 1))
        echo "=== $name: passed"
    else
        failed=$((failed + 1))
        failures+=("$name")
        echo "=== $name: FAILED"
    fi
}

# Runs the library's tests against one mock SDK, in a target directory of its
# own so that switching SDKs rebuilds nothing.
library_tests_with_sdk() {
    DEXT_COMPAT_MOCK_SDK_VERSION="$1" cargo test -p dext-compat --target-dir "target/sdk-$1"
}

step "rustfmt" cargo fmt --all --check
step "clippy" cargo clippy --workspace --all-targets -- -D warnings
step "workspace tests (mock SDK 25, sample matrix, audit)" cargo test --workspace
step "library tests with mock SDK 20" library_tests_with_sdk 20
step "library tests with mock SDK 21" library_tests_with_sdk 21
step "C++ with dext flags under g++ and clang" scripts/check-cxx.sh
step "sanitizers" scripts/sanitizers.sh
step "DriverKit static library and its checks" cargo run --release -p driverkit-build
# The audit's binary tests read the sample that driverkit-build linked.
audit_linked_sample() {
    DEXT_AUDIT_SAMPLE_MACHO="$root/target/driverkit/sample-dext/SampleDriver.dext/SampleDriver" \
        cargo test --quiet -p dext-audit &&
        cargo run --quiet -p dext-audit -- target/driverkit/sample-dext/SampleDriver.dext
}
step "audit of the linked sample dext" audit_linked_sample
step "benchmarks (deterministic part)" scripts/bench.sh --deterministic

echo
if [ "$failed" -ne 0 ]; then
    printf 'failed step: %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
