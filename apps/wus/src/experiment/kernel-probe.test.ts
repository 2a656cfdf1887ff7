import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { traitsOf } from '@wus/core';
import { afterAll, describe, expect, it } from 'vitest';
import { KERNEL_PACKAGES, OPTIONAL_KERNELS } from '../container.js';
import { probeOptionalKernels } from './kernel-probe.js';

const ownerOnWasm = (kernel: string) => traitsOf(tf.getKernel(kernel, 'wasm')!.kernelFunc)?.owner;
const builds = await OPTIONAL_KERNELS.pkg.register().then(
  () => true,
  () => false,
);

// Needs the oneDNN addon (npm run setup:onednn, which .ci/run runs); without it `auto` never probes.
describe.skipIf(!builds && process.env['WUS_ONEDNN_TESTS'] === 'skip')('auto keeps the oneDNN kernels only where the probe finds them faster', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wus-kernel-probe-'));
  const cache = join(dir, 'backend-probe.json');
  const base = KERNEL_PACKAGES.filter((p) => p !== OPTIONAL_KERNELS.pkg);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('times the probe once, caches the verdict per machine and versions, and reuses it', async () => {
    expect(builds, 'the oneDNN addon is not built: run `npm run setup:onednn` (or WUS_ONEDNN_TESTS=skip)').toBe(true);
    const first = await probeOptionalKernels('wasm', base, OPTIONAL_KERNELS, cache);
    expect(first.cached).toBe(false);
    expect(first.withMs).toBeGreaterThan(0);
    expect(first.withoutMs).toBeGreaterThan(0);
    expect(first.use).toBe(first.withMs < first.withoutMs);
    expect(ownerOnWasm('Conv2D')).toBe(first.use ? 'onednn' : 'wasm-simd');
    const [key] = Object.keys(JSON.parse(readFileSync(cache, 'utf8')) as object);
    expect(key).toMatch(/ \| \d+ threads \| node v[\d.]+ \| wasm \| wasm-simd \| onednn 3\.2\.0 /);
    const again = await probeOptionalKernels('wasm', base, OPTIONAL_KERNELS, cache);
    expect(again).toEqual({ ...first, cached: true });
  });

  it('leaves the kernels below in place where the package is not faster', async () => {
    const entries = JSON.parse(readFileSync(cache, 'utf8')) as Record<string, unknown>;
    const [key] = Object.keys(entries);
    writeFileSync(cache, JSON.stringify({ [key!]: { withMs: 20, withoutMs: 10 } }));
    const v = await probeOptionalKernels('wasm', base, OPTIONAL_KERNELS, cache);
    expect(v).toEqual({ use: false, withMs: 20, withoutMs: 10, cached: true });
    expect(ownerOnWasm('Conv2D')).toBe('wasm-simd');
    expect(ownerOnWasm('Conv2DBackpropFilter')).toBe('wasm-simd');
    writeFileSync(cache, JSON.stringify({ [key!]: { withMs: 10, withoutMs: 20 } }));
    expect((await probeOptionalKernels('wasm', base, OPTIONAL_KERNELS, cache)).use).toBe(true);
    expect(ownerOnWasm('Conv2D')).toBe('onednn');
  });
});
