#!/usr/bin/env bash
# Regenerates specs/rules/mlperf-training-X.Y/ for every round from the official checker
# (mlperf-logging, installed by scripts/setup.sh into target/mlperf-venv) and fails when the
# committed files differ, as relock.sh does for locks. `--write` keeps the regenerated files.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${REPRO_MLPERF_PYTHON:-target/mlperf-venv/bin/python3}"
if [ ! -x "$PY" ]; then
  echo "error: no python with mlperf-logging at \`$PY\`" >&2
  echo "help: run scripts/setup.sh, or set REPRO_MLPERF_PYTHON" >&2
  exit 1
fi
ROUNDS=(4.0 4.1 5.0 5.1 6.0 6.1)
status=0
for r in "${ROUNDS[@]}"; do
  dest="specs/rules/mlperf-training-$r"
  if [ "${1:-}" = "--write" ]; then
    "$PY" scripts/mlperf-rules-import.py "$r" "$dest"
    continue
  fi
  tmp="$(mktemp -d)"
  "$PY" scripts/mlperf-rules-import.py "$r" "$tmp/mlperf-training-$r" 2>"$tmp/log" || { cat "$tmp/log" >&2; exit 1; }
  if ! { diff -r "$dest" "$tmp/mlperf-training-$r" && diff "$dest.run" "$tmp/mlperf-training-$r.run"; } >"$tmp/diff"; then
    echo "error: \`$dest\` differs from what the official checker's files give" >&2
    cat "$tmp/diff" >&2
    echo "help: run scripts/mlperf-rules-import.sh --write and commit the result" >&2
    status=1
  fi
  rm -rf "$tmp"
done
exit $status
