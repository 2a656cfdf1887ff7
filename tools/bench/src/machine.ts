import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';

export interface MachineFacts {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  tfjsCore: string;
  tfjsBackendWasm: string;
  wasmSimd: boolean;
  /** tfjs-backend-wasm's own threads (pthreads in Web Workers): false under Node. */
  wasmMultithread: boolean;
  loadAverage: [number, number, number];
}

function lscpuModel(): string | undefined {
  try {
    const out = execFileSync('lscpu', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return /^Model name:\s*(.+)$/m.exec(out)?.[1]?.trim();
  } catch {
    return undefined;
  }
}

async function packageVersion(spec: string): Promise<string> {
  try {
    const { createRequire } = await import('node:module');
    const require = createRequire(import.meta.url);
    const pkg = require(`${spec}/package.json`) as { version: string };
    return pkg.version;
  } catch {
    return 'unknown';
  }
}

export async function machineFacts(): Promise<MachineFacts> {
  const la = loadavg();
  return {
    cpuModel: lscpuModel() ?? cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    tfjsCore: tf.version_core,
    tfjsBackendWasm: await packageVersion('@tensorflow/tfjs-backend-wasm'),
    wasmSimd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
    wasmMultithread: Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')),
    loadAverage: [la[0]!, la[1]!, la[2]!],
  };
}

function cpuTimes(): { idle: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const v = line.trim().split(/\s+/).slice(1, 8).map(Number);
    return { idle: v[3]! + v[4]!, total: v.reduce((a, b) => a + b, 0) };
  } catch {
    return undefined;
  }
}

/** Share of all cores idle over the next `ms` (Linux /proc/stat; undefined elsewhere). */
export async function idleShare(ms = 2000): Promise<number | undefined> {
  const a = cpuTimes();
  await new Promise((r) => setTimeout(r, ms));
  const b = cpuTimes();
  if (a === undefined || b === undefined || b.total === a.total) return undefined;
  return (b.idle - a.idle) / (b.total - a.total);
}

/**
 * Waits until at least `share` of the CPU is idle (sampled over 2 s), at most `maxMs`; returns
 * the last idle share measured. Other people's jobs on a shared machine distort every number.
 */
export async function waitForIdle(share: number, maxMs: number): Promise<number | undefined> {
  const deadline = Date.now() + maxMs;
  for (;;) {
    const idle = await idleShare();
    if (idle === undefined || idle >= share || Date.now() >= deadline) return idle;
  }
}
