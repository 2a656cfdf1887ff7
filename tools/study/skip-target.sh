#!/usr/bin/env bash
# Issue "Skipping that pays", its target: time saved and Δ test accuracy vs the baseline, mean
# of 3 seeds, full Fashion-MNIST (54k train / 6k validation / 10k test), our wasm kernels.
# One interleaved `wus compare` per model and seed; the summary (mean ± std) is printed at the
# end and written to $OUT/summary.md. About 30 minutes on 2 cores.
#   OUT=dir SEEDS="1 2 3" bash tools/study/skip-target.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-.wus/skip-target}
SEEDS=${SEEDS:-"1 2 3"}
mkdir -p "$OUT"
export WUS_HOME="$OUT/home"
# The recipe: 8 epochs (where the constant-LR baseline's validation accuracy stopped gaining on
# LeNet-5), cosine LR, batch 128, SGD 0.05 momentum 0.9, wd 5e-4; every trial the same.
common=(--epochs 8 --lr-schedule cosine --json)
pf=(-o progressive-freeze.warmupEpochs=3 -o progressive-freeze.maxShare=0.9)
for seed in $SEEDS; do
  node apps/wus/dist/main.js compare --model lenet5 --seed "$seed" "${common[@]}" -P never,wus,progressive-freeze "${pf[@]}" \
    > "$OUT/lenet5-seed$seed.json" 2> "$OUT/lenet5-seed$seed.log"
  node apps/wus/dist/main.js compare --model vgg11 --model-option widthMultiplier=0.125 --dataset-option padTo=32 --seed "$seed" "${common[@]}" \
    -P never,progressive-freeze "${pf[@]}" > "$OUT/vgg11-seed$seed.json" 2> "$OUT/vgg11-seed$seed.log"
done
node tools/study/summarize.mjs "$OUT"/*.json | tee "$OUT/summary.md"
