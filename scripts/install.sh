#!/usr/bin/env bash
# Install readq into ./.venv, with the Debian libraries Qt needs (skipped when present).
# Usage: scripts/install.sh [--test]
set -euo pipefail
cd "$(dirname "$0")/.."

QT_LIBS="libglib2.0-0 libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 \
libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 \
libxcb-render-util0 libxcb-image0 libxcb-randr0 libxcb-xinerama0"
# the tests compile the BibTeX export with bibtex and pdflatex
TEST_DEBS=""
if [ "${1:-}" = "--test" ]; then
  TEST_DEBS="texlive-latex-base"
fi
if command -v dpkg >/dev/null 2>&1; then
  missing=""
  for pkg in $QT_LIBS $TEST_DEBS python3-venv; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
  done
  # a Python that is not Debian's (pyenv, …) brings its own venv
  if python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    missing="${missing/ python3-venv/}"
  fi
  if [ -n "$missing" ]; then
    echo "installing Debian packages:$missing"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
  fi
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
# setuptools' "Editable installation" banner is advice, not an error: filtered by its
# text alone, so any real error or other warning still shows
export PYTHONWARNINGS="ignore:Editable installation"
if [ "${1:-}" = "--test" ]; then
  .venv/bin/python -m pip install -q -e ".[test]"
else
  .venv/bin/python -m pip install -q -e .
fi
sha256sum pyproject.toml > .venv/.readq-installed  # scripts/run-app.sh skips installing until it changes
