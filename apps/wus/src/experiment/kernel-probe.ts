import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, homedir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { FULL_UPDATE, Sgd, Trainer, nn, selectBackend, type KernelPackage } from '@wus/core';
import { toyDataset } from '@wus/core/testing';

/**
 * Whether an optional kernel package (the native oneDNN one) makes training faster on this
 * machine than the kernels below it: `auto` times a short probe — full training steps of a small
 * conv net with 3×3 layers of 32–64 channels, with and without the package, interleaved — and
 * keeps the faster. The verdict is cached per CPU, thread count, Node and package versions
 * (WUS_BACKEND_PROBE_CACHE, default ~/.cache/wus/backend-probe.json): later runs decide at once;
 * deleting the file makes the next run probe again (a verdict taken on a busy machine stays).
 */
export interface KernelProbeVerdict {
  readonly use: boolean;
  /** Median ms per probe step: with, without. */
  readonly withMs: number;
  readonly withoutMs: number;
  readonly cached: boolean;
}

export interface OptionalKernels {
  readonly pkg: KernelPackage;
  /** Puts back the kernels it replaced. */
  readonly unregister: () => void;
  /** Its version and what it runs on (part of the cache key; called once it has registered). */
  readonly identity: () => string;
}

export function probeCachePath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env['WUS_BACKEND_PROBE_CACHE'] ?? join(homedir(), '.cache', 'wus', 'backend-probe.json');
}

const ROUNDS = 5;

async function stepMs(trainer: Trainer, x: tf.Tensor, y: tf.Tensor1D): Promise<number> {
  const t = performance.now();
  const out = trainer.trainStep(x, y, FULL_UPDATE);
  await out.lossSum.data();
  const ms = performance.now() - t;
  tf.dispose(Object.values(out));
  return ms;
}

/** Times the probe on `backend` with `optional` registered and unregistered, round by round. */
async function measure(backend: 'wasm' | 'cpu', base: readonly KernelPackage[], optional: OptionalKernels): Promise<{ withMs: number; withoutMs: number }> {
  await selectBackend(backend, { kernels: base });
  const model = nn.sequential({
    name: 'kernel-probe',
    inputShape: [16, 16, 16],
    numClasses: 10,
    seed: 1,
    layers: [nn.conv2d({ filters: 32, kernelSize: 3, padding: 1 }), nn.relu(), nn.conv2d({ filters: 64, kernelSize: 3, padding: 1 }), nn.relu(), nn.maxPool({ size: 2 }), nn.flatten(), nn.dense({ units: 10 })],
  });
  const data = toyDataset({ count: 32, sampleShape: [16, 16, 16], numClasses: 10, seed: 2 });
  const trainer = new Trainer({ model, data, optimizer: new Sgd({ momentum: 0.9 }), policy: { description: 'probe', plan: () => FULL_UPDATE }, epochs: 1, batchSize: 32, lr: 0.01, seed: 1 });
  const batch = [...data.train.batches({ batchSize: 32 })][0]!;
  const times = { with: [] as number[], without: [] as number[] };
  try {
    for (let round = 0; round <= ROUNDS; round++) {
      for (const use of round % 2 === 0 ? [true, false] : [false, true]) {
        if (use) await optional.pkg.register();
        else optional.unregister();
        const ms = await stepMs(trainer, batch.x, batch.y);
        if (round > 0) times[use ? 'with' : 'without'].push(ms); // round 0: warm-up (JIT, caches)
      }
    }
  } finally {
    model.dispose();
    tf.dispose([batch.x, batch.y]);
  }
  const median = (v: number[]) => v.sort((a, b) => a - b)[v.length >> 1]!;
  return { withMs: median(times.with), withoutMs: median(times.without) };
}

/**
 * Decides (cached, or by the probe) whether `optional` is used on `backend`; leaves it registered
 * exactly when it is.
 */
export async function probeOptionalKernels(backend: 'wasm' | 'cpu', base: readonly KernelPackage[], optional: OptionalKernels, cacheFile = probeCachePath()): Promise<KernelProbeVerdict> {
  const threads = process.env['WUS_KERNEL_THREADS'] ?? String(availableParallelism());
  const key = [cpus()[0]?.model ?? 'unknown CPU', `${threads} threads`, `node ${process.version}`, backend, ...base.map((p) => p.name), optional.identity()].join(' | ');
  let cache: Record<string, { withMs: number; withoutMs: number }> = {};
  try {
    cache = JSON.parse(readFileSync(cacheFile, 'utf8')) as typeof cache;
  } catch {
    // no cache yet, or unreadable: probe and write a fresh one
  }
  const hit = cache[key];
  const m = hit ?? (await measure(backend, base, optional));
  if (hit === undefined) {
    cache[key] = m;
    mkdirSync(dirname(cacheFile), { recursive: true });
    writeFileSync(`${cacheFile}.tmp`, `${JSON.stringify(cache, null, 2)}\n`);
    renameSync(`${cacheFile}.tmp`, cacheFile);
  }
  const use = m.withMs < m.withoutMs;
  if (use) await optional.pkg.register();
  else optional.unregister();
  return { use, ...m, cached: hit !== undefined };
}
