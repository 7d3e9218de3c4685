#!/usr/bin/env bash
# Set up (if needed) and run every test: the Rust engine's unit tests, then the Python suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo test --release --lib -q
.venv/bin/python -m pytest -q tests "$@"
