#!/usr/bin/env bash
# Open the desktop app, installing readq first only when needed (no .venv yet, or
# pyproject.toml changed since the last install): once installed it starts at once.
# The sample dumps (readq/resources/samples/) are offered when the library is empty.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=.venv/.readq-installed
if [ ! -x .venv/bin/readq ] || [ "$(cat "$stamp" 2>/dev/null)" != "$(sha256sum pyproject.toml)" ]; then
  scripts/install.sh
fi
exec .venv/bin/readq "$@"
