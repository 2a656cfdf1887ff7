#!/usr/bin/env bash
# One-time set-up shared by the main job and CI: npm packages from the lock file and, where we
# may install Debian packages, the full Fashion-MNIST (else the bundled subset is used).
# With --with-mlflow also the Python venv holding the pinned MLflow server the tests run against.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! dpkg -s dataset-fashion-mnist >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian package dataset-fashion-mnist"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist >/dev/null
  else
    echo "setup: dataset-fashion-mnist not installed and no root: the bundled 6000-image subset will be used"
  fi
fi

# npm ci only when the lock file changed since the last install (it wipes node_modules).
stamp=node_modules/.wus-installed
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  # tfjs-node / tfjs-node-gpu are optional: their download of libtensorflow fails where the
  # network is closed, npm then drops them and we fall back to wasm.
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi

if [ "${1:-}" = "--with-mlflow" ]; then
  # A no-op when the venv matches tools/mlflow-server/requirements.txt; ~1.5 min cold.
  bash tools/mlflow-server/mlflow-server.sh install
fi
