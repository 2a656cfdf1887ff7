import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchModel } from './models.js';

const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface TorchResult {
  readonly backend: 'pytorch-cpu';
  readonly version: string;
  readonly threads: number;
  readonly forwardMs: number;
  readonly fullStepMs: number;
  readonly biasOnlyStepMs: number;
  readonly parameters: number;
  readonly runs: { readonly forward: number[]; readonly full: number[]; readonly bias: number[] };
}

/** The peer's interpreter: $WUS_TORCH_PYTHON, else tools/bench/.venv (made by setup-torch.sh). */
export function torchPython(): string | undefined {
  const env = process.env['WUS_TORCH_PYTHON'];
  if (env !== undefined && env !== '') return env;
  const venv = join(BENCH_DIR, '.venv', 'bin', 'python');
  return existsSync(venv) ? venv : undefined;
}

/**
 * Runs tools/bench/torch_peer.py on the same model, batch, input shape, width and thread count,
 * with the same warm-up and repetitions, and returns its medians.
 */
export function runTorchPeer(python: string, spec: BenchModel, o: { batch: number; width: number; threads: number; warmup: number; reps: number }): TorchResult {
  const job = {
    model: spec.name,
    batch: o.batch,
    inputShape: spec.inputShape,
    numClasses: spec.numClasses,
    width: o.width,
    threads: o.threads,
    warmup: o.warmup,
    reps: o.reps,
    ...spec.torch,
  };
  const r = spawnSync(python, [join(BENCH_DIR, 'torch_peer.py')], {
    input: JSON.stringify(job),
    encoding: 'utf8',
    timeout: 30 * 60_000,
    env: { ...process.env, OMP_NUM_THREADS: String(o.threads), PYTHONWARNINGS: 'ignore' },
    maxBuffer: 16 * 2 ** 20,
  });
  if (r.error !== undefined) throw r.error;
  if (r.status !== 0) throw new Error(`torch peer failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(r.stdout) as TorchResult;
}
