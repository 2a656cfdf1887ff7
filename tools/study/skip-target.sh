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
# progressive-freeze: no freezing before epoch 3 ends; then the leading layers whose weight change
# per epoch fell below 0.35 × their first epoch's, up to 90 % of the forward FLOPs.
pf=(-o progressive-freeze.warmupEpochs=3 -o progressive-freeze.maxShare=0.9 -o progressive-freeze.threshold=0.35)
MODELS=${MODELS:-"lenet5 vgg11"}
for seed in $SEEDS; do
  for model in $MODELS; do
    case $model in
      # LeNet-5 also runs the paper's WUS, for its saving beside the layer-wise one.
      lenet5) args=(--model lenet5 -P never,wus,progressive-freeze) ;;
      # VGG-11 at 1/8 width (conv widths 8…64) on 32×32-padded images: ~40 s a full epoch here.
      vgg11) args=(--model vgg11 --model-option widthMultiplier=0.125 --dataset-option padTo=32 -P never,progressive-freeze) ;;
      *) echo "skip-target: unknown model $model" >&2; exit 2 ;;
    esac
    node apps/wus/dist/main.js compare --seed "$seed" "${args[@]}" "${common[@]}" "${pf[@]}" > "$OUT/$model-seed$seed.json" 2> "$OUT/$model-seed$seed.log"
  done
done
node tools/study/summarize.mjs "$OUT"/*.json | tee "$OUT/summary.md"
