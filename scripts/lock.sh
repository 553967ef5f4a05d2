#!/usr/bin/env bash
# Refresh constraints.txt: resolve every extra afresh in a new virtualenv and pin what pip chose.
# Run it with the Python the lock is for (3.11), then run the tests (bash .ci/run) before committing.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=$(mktemp -d)/lock
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet -e ".[test,dev]"
{
  echo "# Exact versions the tests pass with on Python $("$venv/bin/python" -c 'import platform; print(platform.python_version())')."
  echo "# Made by scripts/lock.sh; use it with pip install -c constraints.txt ..."
  "$venv/bin/python" -m pip freeze --exclude-editable --all | grep -viE '^(pip|setuptools|wheel)=='
} > constraints.txt.tmp
mv constraints.txt.tmp constraints.txt
rm -rf "$(dirname "$venv")"
echo "constraints.txt: $(grep -vc '^#' constraints.txt) pins"
