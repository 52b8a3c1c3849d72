#!/bin/sh
# Xcode Run Script build phase: builds libdext_compat.a for the dext target's
# architectures, deployment target and SDK into
# $BUILT_PRODUCTS_DIR/dext-compat, where SampleDriver.xcconfig points the
# header and library search paths.
#
# Reads the settings Xcode exports to a Run Script phase: ARCHS,
# DRIVERKIT_DEPLOYMENT_TARGET, SDKROOT, CONFIGURATION and BUILT_PRODUCTS_DIR.
# Skips the build when those settings and the library's sources are unchanged
# since the last successful run. DEXT_COMPAT_ROOT overrides where the
# dext-compat checkout is (default: three directories above this script).
set -eu

for variable in ARCHS SDKROOT CONFIGURATION BUILT_PRODUCTS_DIR; do
    eval "value=\${$variable:-}"
    if [ -z "$value" ]; then
        echo "error: $variable is not set; run this script as an Xcode Run Script phase of the dext target, or set $variable as Xcode would" >&2
        exit 1
    fi
done

script_dir=$(cd "$(dirname "$0")" && pwd)
root=${DEXT_COMPAT_ROOT:-$(cd "$script_dir/../../.." && pwd)}
out_dir="$BUILT_PRODUCTS_DIR/dext-compat"
stamp="$out_dir/.inputs-stamp"
settings="ARCHS=$ARCHS DRIVERKIT_DEPLOYMENT_TARGET=${DRIVERKIT_DEPLOYMENT_TARGET:-} SDKROOT=$SDKROOT CONFIGURATION=$CONFIGURATION root=$root"

# Xcode starts Run Script phases without the user's shell profile.
PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export PATH

# Skip the build when the stamp records the same settings and no input is
# newer than it.
if [ -f "$stamp" ] && [ -f "$out_dir/universal/libdext_compat.a" ] &&
    [ "$(cat "$stamp")" = "$settings" ]; then
    newer=$(find "$root/src" "$root/cpp" "$root/include" "$root/build" "$root/build.rs" \
        "$root/Cargo.toml" "$root/Cargo.lock" "$root/staticlib" "$root/tools/driverkit-build" \
        -newer "$stamp" -print 2>/dev/null | head -n 1)
    if [ -z "$newer" ]; then
        echo "dext-compat: up to date in $out_dir"
        exit 0
    fi
fi
rm -f "$stamp"

# SDKROOT names the DriverKit SDK for the library. It is passed on as
# DEXT_COMPAT_DRIVERKIT_SDK and removed, so that cargo still links its
# build scripts for the Mac itself.
DEXT_COMPAT_DRIVERKIT_SDK=$SDKROOT
export DEXT_COMPAT_DRIVERKIT_SDK
unset SDKROOT

# The sample link check needs the mock SDK and ld64.lld; in Xcode the dext's
# own link is the check.
cargo run --release --quiet --manifest-path "$root/Cargo.toml" --package driverkit-build -- \
    --out-dir "$out_dir" --no-sample

printf '%s\n' "$settings" >"$stamp"
