#!/usr/bin/env bash
# The main job: baseline vs WUS (paper) vs WUS+LR vs layer-wise progressive freezing, LeNet-5 on
# the full Fashion-MNIST (tools/main-job.yaml), trials interleaved epoch by epoch, recorded in the
# local run store (./.wus/runs). Extra arguments go to `wus compare` (flags beat the file).
# Progress of each step on stderr ("main-job: step k/3 …", elapsed, ETA); the comparison's table
# on stdout, its last line on stderr says where the results are.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/lib/progress.sh
PROGRESS_PREFIX=main-job
steps_total 3
export NX_DAEMON=false NX_NO_CLOUD=true
# Colour only on a terminal, never with NO_COLOR set (nx forces it into its tasks otherwise).
[ -t 2 ] || export NO_COLOR=1 FORCE_COLOR=0

step_note "set-up (tools/setup.sh; each install it needs reports its own progress)"
bash tools/setup.sh

log=$(mktemp)
trap 'rm -f "$log"' EXIT
build_cli() { npx nx run @wus/cli:build --outputStyle=static >"$log" 2>&1 || { tail -n 40 "$log" >&2; return 1; }; }
run_step cli-build 40 "build the CLI (nx run @wus/cli:build)" build_cli

step_note "the comparison: wus compare --config tools/main-job.yaml $* (progress per epoch below)"
node apps/wus/dist/main.js compare --config tools/main-job.yaml "$@"
