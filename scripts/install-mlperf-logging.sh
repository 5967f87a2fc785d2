#!/usr/bin/env bash
# Installs the official MLPerf checker (mlperf-logging 4.1.68) into a venv under target/,
# idempotently, so that the oracle tests in audit/tests/mlperf_*.rs can run it.
# Prints what it did. The tests look for target/mlperf-venv/bin/python3 (or REPRO_MLPERF_PYTHON).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/target/mlperf-venv"
version="4.1.68"
if [ -x "$venv/bin/python3" ] && "$venv/bin/python3" -c "import mlperf_logging, scipy" 2>/dev/null; then
  have="$("$venv/bin/python3" -m pip show mlperf-logging 2>/dev/null | sed -n 's/^Version: //p')"
  if [ "$have" = "$version" ]; then
    echo "mlperf-logging $version already installed in $venv"
    exit 0
  fi
fi
echo "creating venv $venv"
python3 -m venv "$venv"
echo "installing mlperf-logging==$version (and its dependencies) into $venv"
"$venv/bin/python3" -m pip install --quiet "mlperf-logging==$version"
"$venv/bin/python3" -c "import mlperf_logging, scipy" 
echo "installed: $("$venv/bin/python3" -m pip show mlperf-logging | sed -n 's/^Version: //p') at $venv"
