import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BackendError } from '../errors/errors.js';
import { selectBackend } from './backend.js';

describe('selectBackend', () => {
  it('auto: takes the first backend that loads and says why the others were passed over', async () => {
    const choice = await selectBackend('auto');
    // On machines without libtensorflow the native packages are absent; wasm comes next.
    expect(['tfjs-node-gpu', 'tfjs-node', 'wasm']).toContain(choice.name);
    expect(tf.getBackend()).toBe(choice.tfjsBackend);
    if (choice.name === 'wasm') expect(choice.reason).toMatch(/tfjs-node-gpu unavailable.*tfjs-node unavailable/);
  });

  it('passes over a backend lacking a kernel the model needs', async () => {
    const choice = await selectBackend('auto', { requiredKernels: ['Conv2DBackpropFilter'] });
    if (choice.name === 'cpu') expect(choice.reason).toMatch(/wasm unavailable \(it has no Conv2DBackpropFilter kernel/);
    expect(tf.getKernel('Conv2DBackpropFilter', choice.tfjsBackend)).toBeDefined();
  });

  it('an explicit request that cannot load is a BackendError, not a silent fallback', async () => {
    await expect(selectBackend('tfjs-node-gpu').then(() => 'loaded', (e: unknown) => e)).resolves.toSatisfy(
      (r: unknown) => r === 'loaded' || (r instanceof BackendError && /tfjs-node-gpu.*cannot be used here/.test(r.message)),
    );
    await expect(selectBackend('tpu' as never)).rejects.toThrow(/unknown backend "tpu"; choose one of: auto, tfjs-node-gpu/);
  });
});
