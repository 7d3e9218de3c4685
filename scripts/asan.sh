#!/usr/bin/env bash
# Run the engine's Rust unit tests under AddressSanitizer with the nightly toolchain (docs/robustness.md).
#   bash scripts/asan.sh                # all lib tests; extra arguments go to `cargo test` (e.g. a test name)
# Builds in a copy of the crate (target/asan-src) whose global allocator is the system one: mimalloc serves
# allocations from its own arenas, where ASan sees no heap redzones and would miss overflows.
set -euo pipefail
cd "$(dirname "$0")/.."
work="${ASAN_WORKDIR:-$PWD/target/asan-src}"
mkdir -p "$work"
rm -rf "$work/src" "$work/benches" "$work/cuda"
cp -r Cargo.toml Cargo.lock src benches cuda "$work"/
sed -i 's|^#\[global_allocator\]|#[cfg(any())] // ASan run: the system allocator\n#[global_allocator]|' "$work/src/lib.rs"
cd "$work"
# --target keeps the sanitizer off build scripts and proc macros (host code); std is not instrumented.
RUSTFLAGS="-Zsanitizer=address ${RUSTFLAGS:-}" ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}" \
  CARGO_TARGET_DIR="$work/target" cargo +nightly test --lib --target x86_64-unknown-linux-gnu "$@"
