#!/usr/bin/env bash
# One-time set-up shared by the main job and CI: npm packages from the lock file and, where we
# may install Debian packages, the full Fashion-MNIST (else the bundled subset is used).
# With --with-mlflow also the Python venv holding the pinned MLflow server the tests run against.
# Each step that has work to do reports its progress on stderr (tools/lib/progress.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/lib/progress.sh
PROGRESS_PREFIX=setup

stamp=node_modules/.wus-installed
need_dataset=0 need_npm=0
if ! dpkg -s dataset-fashion-mnist >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    need_dataset=1
  else
    progress_say "dataset-fashion-mnist not installed and no root: the bundled 6000-image subset will be used"
  fi
fi
# npm ci only when the lock file changed since the last install (it wipes node_modules).
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then need_npm=1; fi
steps_total $((need_dataset + need_npm))

install_dataset() { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist >/dev/null; }
if [ "$need_dataset" = 1 ]; then
  run_step apt-dataset-fashion-mnist 30 "Debian package dataset-fashion-mnist (apt-get)" install_dataset
fi

if [ "$need_npm" = 1 ]; then
  # tfjs-node / tfjs-node-gpu are optional: their download of libtensorflow fails where the
  # network is closed, npm then drops them and we fall back to wasm.
  run_step npm-ci 60 "npm ci (packages from package-lock.json)" npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi

if [ "${1:-}" = "--with-mlflow" ]; then
  # A no-op when the venv matches tools/mlflow-server/requirements.txt; ~1.5 min cold.
  bash tools/mlflow-server/mlflow-server.sh install
fi
