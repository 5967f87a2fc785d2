#!/usr/bin/env bash
# repro launch template for local runs (`launch local`). The executor runs one copy per rank
# with RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT, CUDA_VISIBLE_DEVICES and SEED
# set. The script lives in the run directory `runs/<plan>/<run-id>/`; the command runs from
# the directory repro was started in, so plan paths are relative to it. Every substituted
# value is shell-quoted by repro; `| safe` would opt out and must be reviewed.
set -euo pipefail
export REPRO_RUN_DIR={{ run_dir }}
# NCCL prints the version it loaded on rank 0; the runner holds it against `software.nccl`.
export NCCL_DEBUG="${NCCL_DEBUG:-VERSION}"
{% for name, value in env %}export {{ name }}={{ value }}
{% endfor -%}
cd {{ workdir }}
exec {{ command }}{% for arg in args %} {{ arg }}{% endfor %}
