#!/usr/bin/env bash
# Install readq with its test dependencies and run the whole test suite (no display needed).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh --test
.venv/bin/ruff check readq tests benchmarks
export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest "$@"
