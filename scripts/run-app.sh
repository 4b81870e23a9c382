#!/usr/bin/env bash
# Install readq (first run only takes long) and open the desktop app.
# The sample dumps in resources/samples/ are offered when the library is empty.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
exec .venv/bin/readq "$@"
