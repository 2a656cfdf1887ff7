#!/usr/bin/env bash
# The main job: baseline vs WUS (paper) vs WUS+LR vs layer-wise progressive freezing, LeNet-5 on
# the full Fashion-MNIST (tools/main-job.yaml), trials interleaved epoch by epoch, recorded in the
# local run store (./.wus/runs). Extra arguments go to `wus compare` (flags beat the file).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
export NX_DAEMON=false NX_NO_CLOUD=true
echo "main-job: building the CLI (nx, ~40 s on a cold cache)" >&2
npx nx run @wus/cli:build --outputStyle=static >/dev/null
node apps/wus/dist/main.js compare --config tools/main-job.yaml "$@"
