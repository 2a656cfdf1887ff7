import { FULL_UPDATE, PluginRegistry, Sgd, Trainer, nn, selectBackend, type Callback } from '@wus/core';
import { toyDataset } from '@wus/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { plugins } from './index.js';

const create = (options: Record<string, unknown>) => new PluginRegistry().register(...plugins).createCallback({ name: 'early-stopping', options });

/** Trains a tiny model for up to `epochs` with a callback; returns the trainer's result and the final weights. */
async function train(callback: Callback | undefined, epochs: number, lr = 0.5) {
  const model = nn.sequential({ name: 'tiny', inputShape: [6], numClasses: 3, seed: 1, layers: [nn.dense({ units: 8 }), nn.relu(), nn.dense({ units: 3 })] });
  const data = toyDataset({ count: 96, sampleShape: [6], numClasses: 3, seed: 2 });
  const optimizer = new Sgd({ momentum: 0.9 });
  const trainer = new Trainer({ model, data, optimizer, policy: { description: 'never', plan: () => FULL_UPDATE }, callbacks: callback === undefined ? [] : [callback], epochs, batchSize: 16, lr, seed: 3 });
  const result = await trainer.fit();
  const weights = model.parameters.map((p) => Array.from(p.variable.dataSync()));
  model.dispose();
  optimizer.dispose();
  return { result, weights };
}

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('early-stopping', () => {
  it('stops after patience epochs without improvement and records it', async () => {
    // minDelta 10: nothing ever counts as an improvement after the first epoch.
    const { result } = await train(create({ monitor: 'loss', minDelta: 10, patience: 2 }), 10);
    expect(result.epochs).toHaveLength(4);
    expect(result.stoppedEarly).toBe(true);
  });

  it('restoreBestWeights puts back the best epoch’s weights when it stops', async () => {
    const cb = create({ monitor: 'loss', minDelta: 10, patience: 1, restoreBestWeights: true });
    const stopped = await train(cb, 10);
    expect(stopped.result.epochs).toHaveLength(3);
    // The best (first) epoch's weights are those of an uninterrupted 1-epoch run.
    const oneEpoch = await train(undefined, 1);
    stopped.weights.forEach((w, i) => expect(w.every((v, j) => Object.is(v, oneEpoch.weights[i]![j]))).toBe(true));
  });

  it('uses Keras names and modes, and rejects bad options', () => {
    expect(() => create({ patience: -1 })).toThrow(/plugin "early-stopping": .*patience/);
    expect(() => create({ restore_best_weights: true })).toThrow(/restore_best_weights/);
  });

  it('a missing monitored metric is a clear error naming the plugin', async () => {
    await expect(train(create({ monitor: 'val_auc' }), 2)).rejects.toThrow(/plugin "early-stopping": monitored metric "val_auc" is missing at epoch 1; available: loss, accuracy/);
  });
});
