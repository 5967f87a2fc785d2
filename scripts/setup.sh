#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine, idempotently:
#   - Debian's Slurm and munge (for the real-Slurm integration tests),
#   - the official MLPerf checker, `mlperf-logging` (the oracle for `repro verify`),
#   - Debian's `chromium` (headless, for the HTML report test).
# Each step is skipped when its tool is already there. Needs root (or sudo) for apt.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null \
   || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  echo "setup: installing slurmctld slurmd slurm-client munge (apt)"
  sudo_ apt-get update -qq
  DEBIAN_FRONTEND=noninteractive sudo_ apt-get install -y -qq --no-install-recommends \
    slurmctld slurmd slurm-client munge >/dev/null
fi

# Debian's chromium: the browser test opens every HTML report headless (report/tests/browser.rs)
if ! command -v chromium >/dev/null; then
  echo "setup: installing chromium (apt)"
  sudo_ apt-get update -qq
  DEBIAN_FRONTEND=noninteractive sudo_ apt-get install -y -qq --no-install-recommends \
    chromium >/dev/null
fi

if [ -x scripts/install-mlperf-logging.sh ]; then
  scripts/install-mlperf-logging.sh
fi
echo "setup: done"
