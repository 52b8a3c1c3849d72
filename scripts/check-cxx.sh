#!/usr/bin/env bash
# Compiles every C++ file of the project with the flags a dext builds with,
# -std=c++17 -fno-exceptions -fno-rtti -Wall -Werror (and -Wextra), under each C++ compiler
# found (g++, clang++-19), against the mock SDKs 20 and 25. Covers the shims,
# the generated cxx bridge, the sample dext with its mock-iig output, and the
# simulated runtime.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

flags=(-std=c++17 -fno-exceptions -fno-rtti -Wall -Wextra -Werror -fsyntax-only)
compilers=()
for compiler in g++ clang++-19 clang++; do
    if command -v "$compiler" >/dev/null 2>&1; then
        compilers+=("$compiler")
    fi
done
if [ ${#compilers[@]} -eq 0 ]; then
    echo "error: no C++ compiler found; install Debian's g++ or clang-19" >&2
    exit 1
fi

checked=0
for sdk in 20 25; do
    target_dir="target/cxx-check/sdk-$sdk"
    # The build writes the generated bridge and the mock-iig headers.
    DEXT_COMPAT_MOCK_SDK_VERSION=$sdk cargo build --quiet -p sample-dext-host --target-dir "$target_dir"

    output=$(ls -t "$target_dir"/debug/build/dext-compat-*/output | head -n 1)
    include_line=$(grep '^cargo::metadata=include=' "$output")
    IFS=: read -r -a include_dirs <<< "${include_line#cargo::metadata=include=}"
    includes=()
    for dir in "${include_dirs[@]}"; do
        includes+=(-I "$dir")
    done
    out_dir=$(dirname "$output")/out
    iig_dir=$(ls -td "$target_dir"/debug/build/sample-dext-host-*/out/iig | head -n 1)

    sources=(cpp/shims.cpp "$out_dir/cxxbridge/sources/dext-compat/src/bridge.rs.cc"
             examples/sample-dext/dext/*.cpp "$iig_dir/mock_iig_classes.cpp")
    for compiler in "${compilers[@]}"; do
        for source in "${sources[@]}"; do
            "$compiler" "${flags[@]}" "${includes[@]}" -I "$iig_dir" -I examples/sample-dext/dext "$source"
            checked=$((checked + 1))
        done
        for source in tests/sim/runtime/*.cpp; do
            "$compiler" "${flags[@]}" "${includes[@]}" -I tests/sim/include "$source"
            checked=$((checked + 1))
        done
        for without_fix in examples/sample-dext/dext/*.cpp; do
            "$compiler" "${flags[@]}" -DSAMPLE_DEXT_WITHOUT_FIX "${includes[@]}" -I "$iig_dir" \
                -I examples/sample-dext/dext "$without_fix"
            checked=$((checked + 1))
        done
    done
done
echo "C++ check: $checked compilations with ${compilers[*]}: $checked passed, 0 failed"
