#!/usr/bin/env bash
# Install readq with its test dependencies and run the whole test suite (no display needed).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh --test
export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest "$@"
