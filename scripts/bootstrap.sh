#!/usr/bin/env bash
# Create .venv and install ChainWatch with pinned versions; a no-op when nothing changed.
# torch goes first, alone and exact: 2.13.0 is a local CPU wheel here, anything looser pulls a CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
stamp=.venv/.installed-$(cat pyproject.toml constraints.txt | sha1sum | cut -c1-12)
[ -f "$stamp" ] && exit 0
"$PY" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
  || { echo "error: Python 3.11 is required (found $("$PY" --version 2>&1)); set PYTHON=python3.11" >&2; exit 1; }
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q torch==2.13.0
.venv/bin/python -m pip install -q -c constraints.txt -e ".[test,dev]"
.venv/bin/python -m pip check
rm -f .venv/.installed-*
touch "$stamp"
echo "installed ChainWatch into .venv"
