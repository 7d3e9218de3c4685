#!/usr/bin/env bash
# One-time set-up on a fresh machine: a venv inside the repo with the build and test tools, and
# rtorch built (release, abi3) and installed into it. Re-running only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -U pip
.venv/bin/python -m pip install -q --disable-pip-version-check "maturin>=1.7,<2" "numpy>=1.26" pytest hypothesis
# Build the extension in release mode into the venv (editable: python/ sources are used in place).
VIRTUAL_ENV="$PWD/.venv" PATH="$PWD/.venv/bin:$PATH" .venv/bin/maturin develop --release -q
