#!/bin/sh
# Runs dext-compat's benchmarks and exits non-zero when a figure misses its
# target (see BENCHMARKS.md for the figures and what they need installed).
#
#   scripts/bench.sh                  instructions, heap and size (what CI runs)
#   scripts/bench.sh --timings        only the cold and no-change build times
#   scripts/bench.sh --all            both
#
# Exit status: 0 when every target is met, 1 when one is missed, 2 when a
# measurement could not run.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# The runner and the probe it measures, optimised like a release dext.
cargo build --release --quiet -p dext-compat-bench
target_dir=${CARGO_TARGET_DIR:-$root/target}
exec "$target_dir/release/dext-compat-bench" "$@"
