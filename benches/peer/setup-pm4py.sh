#!/usr/bin/env bash
# Creates a Python venv with PM4Py 2.7.23.11 (the version behind the reference results in shared/)
# from the package registry. Usage: benches/peer/setup-pm4py.sh [VENV]  (default benches/peer/.venv)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${1:-$here/.venv}"
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import pm4py, sys; sys.exit(pm4py.__version__ != "2.7.23.11")' 2>/dev/null; then
  echo "PM4Py 2.7.23.11 already in $venv"
  exit 0
fi
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check pm4py==2.7.23.11
"$venv/bin/python" -c 'import pm4py; print("PM4Py", pm4py.__version__, "in", "'"$venv"'")'
