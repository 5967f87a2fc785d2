#!/usr/bin/env bash
# The project's test command (the README's second set-up command; CI runs it too).
# It installs what the tests need (scripts/setup.sh), starts the local 4-node Slurm cluster,
# and runs every test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
if [ -x scripts/slurm-dev.sh ]; then
  scripts/slurm-dev.sh start
fi
cargo test --workspace --locked --no-fail-fast "$@"
