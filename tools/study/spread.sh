#!/usr/bin/env bash
# Identical-work spread: the baseline three times in one comparison, interleaved and not. The
# "time saved" of the 2nd and 3rd trials is pure measurement noise; interleaving should keep it
# within a few percent. About 5 minutes on 2 cores.
#   OUT=dir bash tools/study/spread.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-.wus/spread}
mkdir -p "$OUT"
export WUS_HOME="$OUT/home"
for mode in epoch off; do
  node apps/wus/dist/main.js compare --model lenet5 --epochs 4 -P never,never,never --interleave "$mode" > "$OUT/$mode.txt" 2> "$OUT/$mode.log"
  echo "== interleave $mode"; cat "$OUT/$mode.txt"
done
