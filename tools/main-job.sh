#!/usr/bin/env bash
# The main job: baseline vs WUS vs WUS+LR on Fashion-MNIST with the MLP, same seed and data
# order, recorded in the local run store (./.wus/runs). Extra arguments go to `wus compare`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
export NX_DAEMON=false NX_NO_CLOUD=true
npx nx run @wus/cli:build --outputStyle=static >/dev/null
node apps/wus/dist/main.js compare "$@"
