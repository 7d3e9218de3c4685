#!/usr/bin/env bash
# Run the engine's Rust unit tests under AddressSanitizer with the nightly toolchain (docs/robustness.md).
#   bash scripts/asan.sh                # all lib tests; extra arguments go to `cargo test` (e.g. a test name)
# `--cfg rtorch_system_alloc` compiles the engine with the system allocator instead of mimalloc (src/lib.rs):
# mimalloc serves allocations from its own arenas, where ASan sees no heap redzones and would miss overflows.
# The build goes to its own target directory (target/asan), so the normal build is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
# --target keeps the sanitizer off build scripts and proc macros (host code); std is not instrumented.
RUSTFLAGS="-Zsanitizer=address --cfg rtorch_system_alloc ${RUSTFLAGS:-}" \
  ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}" \
  CARGO_TARGET_DIR="${ASAN_TARGET_DIR:-$PWD/target/asan}" \
  cargo +nightly test --lib --target x86_64-unknown-linux-gnu "$@"
