#!/usr/bin/env bash
# The project's test command (the README's second set-up command; CI runs it too).
# It installs what the tests need (scripts/setup.sh), starts the local 4-node Slurm cluster
# unless one already answers (and stops it at the end only if it started it), runs every test
# of the workspace, and ends with one line of totals: `N passed, N failed, N skipped` (the sum
# of cargo's per-binary `test result:` lines; skipped counts ignored tests and tests that
# printed `SKIPPED`). The exit status is cargo's.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
started_cluster=0
if [ -x scripts/slurm-dev.sh ] && ! sinfo >/dev/null 2>&1; then
  scripts/slurm-dev.sh start
  started_cluster=1
fi
stop_cluster() {
  if [ "$started_cluster" -eq 1 ]; then scripts/slurm-dev.sh stop || true; fi
}
trap stop_cluster EXIT

log=$(mktemp)
set +e
cargo test --workspace --locked --no-fail-fast "$@" -- --nocapture 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
awk '
  /^test result:/ {
    for (i = 1; i <= NF; i++) {
      if ($(i) ~ /^passed;?$/) p += $(i-1)
      if ($(i) ~ /^failed;?$/) f += $(i-1)
      if ($(i) ~ /^ignored;?$/) s += $(i-1)
    }
  }
  /^SKIPPED/ { s += 1; k += 1 }
  END { printf "%d passed, %d failed, %d skipped\n", p - k, f, s }
' "$log"
rm -f "$log"
exit "$status"
