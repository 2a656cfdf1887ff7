#!/usr/bin/env bash
# Creates the PyTorch CPU peer's virtual environment for the benchmark (tools/bench/.venv).
# pip's configuration here points at a local wheel directory, so this installs
# torch 2.13.0+cpu without downloading it; elsewhere pip fetches it from PyPI.
set -euo pipefail
cd "$(dirname "$0")"
VENV="${WUS_TORCH_VENV:-.venv}"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c 'import torch, sys; sys.exit(0 if torch.__version__.startswith("2.13.0") else 1)' 2>/dev/null; then
  "$VENV/bin/pip" install --quiet torch==2.13.0
fi
"$VENV/bin/python" -c 'import torch; print("torch", torch.__version__, "threads", torch.get_num_threads())'
