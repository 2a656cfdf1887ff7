#!/usr/bin/env bash
# The study (issue 14), one command: trains every part of tools/study/plan.yaml not yet recorded
# (run.mjs; resumable, runs piecewise), logging each trial live to MLflow — the server at
# $MLFLOW_TRACKING_URI, else one this script starts on the study's folder and stops at the end —
# measures the per-step cost split once (tools/bench), then writes docs/RESULTS.md and its plots
# from the recorded runs alone (report.mjs).
#   bash tools/study/run.sh [--parts lenet5-main] [--seeds 1]     # extra flags go to run.mjs
#   node tools/study/report.mjs                                    # the report again, no training
# The study's runs: $WUS_HOME (default ./.wus/study): runs/, cost-split.json, mlflow/.
set -euo pipefail
cd "$(dirname "$0")/../.."
export WUS_HOME=${WUS_HOME:-.wus/study}
export NX_DAEMON=false NX_NO_CLOUD=true
mkdir -p "$WUS_HOME"

npx nx run-many -t build -p @wus/cli @wus/bench --outputStyle=static >"$WUS_HOME/build.log" 2>&1 || { tail -n 40 "$WUS_HOME/build.log" >&2; exit 1; }

if [ -z "${MLFLOW_TRACKING_URI:-}" ]; then
  bash tools/mlflow-server/mlflow-server.sh install
  MLFLOW_TRACKING_URI=$(bash tools/mlflow-server/mlflow-server.sh start --dir "$WUS_HOME/mlflow")
  export MLFLOW_TRACKING_URI
  trap 'bash tools/mlflow-server/mlflow-server.sh stop --dir "$WUS_HOME/mlflow" >/dev/null 2>&1 || true' EXIT
  echo "study: MLflow at $MLFLOW_TRACKING_URI (data in $WUS_HOME/mlflow)" >&2
fi

status=0
node tools/study/run.mjs "$@" || status=$?

# The per-step cost split on this machine's backend (once; delete the file to measure again).
if [ ! -f "$WUS_HOME/cost-split.json" ]; then
  node tools/bench/dist/cost-split.js --out "$WUS_HOME/cost-split.json"
fi
node tools/study/report.mjs
exit $status
