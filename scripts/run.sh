#!/usr/bin/env bash
# Set up (if needed) and run the main job: train a model with rtorch.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python examples/train_classifier.py "$@"
