#!/usr/bin/env node
/**
 * The per-step cost split of the study's models on this machine's backend — forward, input
 * gradients (dX), weight gradients (dW), weight update — and the upper bound on time saved it
 * implies for each skipping scope. Written as JSON in the schema of the GPU measurement
 * (tools/study/gpu-cost-split.json) plus the bounds; tools/study/report.mjs renders it.
 *
 *   node tools/bench/dist/cost-split.js --out cost-split.json [--models lenet5:1,vgg11:0.125] [--batch 128]
 *
 * How each part is obtained, all interleaved per repetition (medians), through Trainer.trainStep:
 *   forward = the forward-only path (training-mode forward + loss);
 *   dX      = bias-only step − forward (a bias-only step runs every input gradient, no dW);
 *   update  = SGD-with-momentum update of every parameter alone;
 *   dW      = full step − bias-only step − update.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { machineFacts } from './machine.js';
import { MODELS } from './models.js';

const HELP = `usage: node dist/cost-split.js --out FILE [options]
  --models LIST   model:width pairs (default lenet5:1,vgg11:0.125,resnet18:0.125: the study's widths)
  --batch N       batch size (default 128, the study's)
  --front-share S WUS scope "front": the frozen front holds at most this share of the forward FLOPs (default 0.9, the study's)
  --warmup N      untimed repetitions first (default 2)
  --reps N        timed repetitions, the median is reported (default 7)`;

/** Upper bounds on training time saved, from the split (fractions of the full step). */
export function bounds(m: { fullStepMs: number; biasOnlyStepMs: number; front: { frontStepMs: number; cachedFrontStepMs: number } }) {
  const perSkippedStep = 1 - m.biasOnlyStepMs / m.fullStepMs;
  return {
    // Scope biases: what one skipped step saves (dW + update), every step skipped…
    biases_every_step: perSkippedStep,
    // …and under the paper's fixed windows, where at most every other epoch can skip.
    biases_fixed_windows: perSkippedStep / 2,
    // Scope front (frozen for good, output cached): the step keeps only the tail's work.
    front_cached: 1 - m.front.cachedFrontStepMs / m.fullStepMs,
    // The same without the cache (augmented data): the front's forward still runs.
    front_uncached: 1 - m.front.frontStepMs / m.fullStepMs,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      models: { type: 'string', default: 'lenet5:1,vgg11:0.125,resnet18:0.125' },
      batch: { type: 'string', default: '128' },
      'front-share': { type: 'string', default: '0.9' },
      warmup: { type: 'string', default: '2' },
      reps: { type: 'string', default: '7' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || values.out === undefined) {
    console.log(HELP);
    process.exit(values.help ? 0 : 2);
  }
  const int = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${v}`);
    return n;
  };
  const batch = int('batch', values.batch, 1);
  const warmup = int('warmup', values.warmup, 0);
  const reps = int('reps', values.reps, 1);
  const frontShare = Number(values['front-share']);
  if (!(frontShare > 0 && frontShare <= 1)) throw new Error(`--front-share must be in (0, 1], got ${values['front-share']}`);
  const models = values.models.split(',').map((entry) => {
    const [name, width = '1'] = entry.trim().split(':');
    const spec = MODELS[name!];
    if (spec === undefined) throw new Error(`unknown model "${name}"; choose from ${Object.keys(MODELS).join(', ')}`);
    if (!(Number(width) > 0)) throw new Error(`width of ${name} must be positive, got ${width}`);
    return { spec, width: Number(width) };
  });

  process.env['WUS_KERNEL_THREADS'] ??= String(availableParallelism());
  const { selectBackend } = await import('@wus/core');
  const { registerWusKernels, wasmKernels } = await import('@wus/kernels-wasm');
  const { measureModel } = await import('./measure.js');
  const simd = (await registerWusKernels()).simd;
  const choice = await selectBackend('wasm', { kernels: [wasmKernels] });
  const facts = await machineFacts();

  const rows = [];
  for (const { spec, width } of models) {
    process.stderr.write(`cost-split: ${spec.name} width ${width} batch ${batch} on ${choice.tfjsBackend}…\n`);
    const m = await measureModel(spec, { batch, width, warmup, reps, profile: false, frontShare });
    const front = m.front!;
    const row = {
      model: spec.name,
      width,
      batch,
      forward_ms: m.forwardMs,
      dx_ms: m.biasOnlyStepMs - m.forwardMs,
      dw_ms: m.fullStepMs - m.biasOnlyStepMs - front.updateMs,
      update_ms: front.updateMs,
      step_ms: m.fullStepMs,
      bias_only_step_ms: m.biasOnlyStepMs,
      front: { depth: front.depth, flop_share: front.flopShare, step_ms: front.frontStepMs, cached_step_ms: front.cachedFrontStepMs },
      bounds: bounds({ ...m, front }),
      full_step_spread: m.fullStepSpread,
    };
    rows.push(row);
    process.stderr.write(`cost-split: ${spec.name}: ${JSON.stringify(row)}\n`);
  }
  const end = (await machineFacts()).loadAverage;
  const out = {
    machine: `${facts.cpuModel}, ${facts.cores} cores, ${facts.memoryGiB} GiB; load average ${facts.loadAverage.map((l) => l.toFixed(2)).join(' ')} at start, ${end.map((l) => l.toFixed(2)).join(' ')} at end`,
    software: `Node ${facts.node}, tfjs-core ${facts.tfjsCore}, ${choice.tfjsBackend} backend with @wus/kernels-wasm (${simd} build, ${process.env['WUS_KERNEL_THREADS']} threads); median of ${reps} after ${warmup} warm-up`,
    front_share: frontShare,
    models: rows,
  };
  writeFileSync(values.out, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`cost-split: ${values.out}`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`cost-split: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
