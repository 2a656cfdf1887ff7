import { ConfigError, FULL_UPDATE, PluginRegistry } from '@wus/core';
import { fakeStructure, simulatePolicy } from '@wus/core/testing';
import { describe, expect, it } from 'vitest';
import { plugins } from './index.js';
import { ProgressiveFreezePolicy } from './progressive-freeze.js';

const create = (options: Record<string, unknown> = {}) => new PluginRegistry().register(...plugins).createPolicy({ name: 'progressive-freeze', options });

/** fakeStructure: conv2d_1 (40 FLOPs), conv2d_2 (30), conv2d_3 (20), dense_1 (10). */
const changes = (rows: Record<number, [number, number, number, number]>) => (epoch: number) => {
  const r = rows[epoch] ?? rows[Math.max(...Object.keys(rows).map(Number))]!;
  return { conv2d_1: r[0], conv2d_2: r[1], conv2d_3: r[2], dense_1: r[3] };
};

describe('progressive-freeze', () => {
  it('freezes the leading converged layers, in order, and never unfreezes', async () => {
    const policy = create();
    const sim = await simulatePolicy(policy, {
      stepsPerEpoch: 1,
      accuracies: new Array<number>(6).fill(0.5),
      layerChange: changes({
        0: [0.4, 0.4, 0.4, 0.4],
        1: [0.2, 0.05, 0.05, 0.05], // warm-up ends: conv 1 at 0.5× its first change — not converged
        2: [0.09, 0.05, 0.3, 0.05], // conv 1, 2 converged; conv 3 not → front = depth 2
        3: [0, 0, 0.05, 0.05], // conv 3 converged, but 40+30+20 = 90 % > maxShare 80 %: the front stays at depth 2
      }),
    });
    const depths = sim.epochs.map((e) => e.steps[0]!.plan.freezeBelowDepth ?? 0);
    expect(depths).toEqual([0, 0, 0, 2, 2, 2]);
    expect(sim.epochs[3]!.steps[0]!.plan).toEqual({ groups: FULL_UPDATE.groups, freezeBelowDepth: 2 });
    expect((policy as ProgressiveFreezePolicy).frozenDepth).toBe(2);
  });

  it('growBy bounds how many layers one check may freeze', async () => {
    const policy = create({ growBy: 1, everyEpochs: 2, maxShare: 0.95 });
    const sim = await simulatePolicy(policy, { stepsPerEpoch: 1, accuracies: new Array<number>(8).fill(0.5), layerChange: changes({ 0: [1, 1, 1, 1], 1: [0, 0, 0, 0] }) });
    // Checks after epochs 2, 4, 6 (0-based 1, 3, 5): one layer each, up to 90 % of the cost.
    expect(sim.epochs.map((e) => e.steps[0]!.plan.freezeBelowDepth ?? 0)).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
  });

  it('maxShare 1 still keeps the last layer training', async () => {
    const policy = create({ maxShare: 1, warmupEpochs: 1 });
    await simulatePolicy(policy, { stepsPerEpoch: 1, accuracies: [0.5, 0.5, 0.5], layerChange: changes({ 0: [1, 1, 1, 1], 1: [0, 0, 0, 0.01] }) });
    expect((policy as ProgressiveFreezePolicy).frozenDepth).toBe(3);
  });

  it('describes itself, reports its depth and rejects bad options', () => {
    expect(create().description).toBe('progressive-freeze(threshold=0.25,warmupEpochs=2,maxShare=0.8,everyEpochs=1)');
    expect(create().signals?.()).toEqual({ 'freeze.depth': 0 });
    expect(() => create({ threshold: 0 })).toThrow(ConfigError);
    expect(() => create({ maxShare: 2, warmupEpochs: 0 })).toThrow(/maxShare: .*; warmupEpochs: |warmupEpochs: .*maxShare: /);
  });

  it('refuses a model without weights', async () => {
    const model = { ...fakeStructure(), layers: fakeStructure().layers.map((l) => ({ ...l, groups: ['bias' as const] })) };
    await expect(simulatePolicy(create(), { stepsPerEpoch: 1, accuracies: [0.5], model })).rejects.toThrow(/has no layer with weights to freeze/);
  });
});
