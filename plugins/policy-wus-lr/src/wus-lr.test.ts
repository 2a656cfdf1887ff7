import {
  ConfigError,
  FULL_UPDATE,
  PluginError,
  PluginRegistry,
  lrScaleOf,
  skipWeights,
  type SkipPolicyPlugin,
  type UpdatePlan,
} from '@wus/core';
import { describe, expect, it } from 'vitest';
import { fakeContext, simulatePolicy, type Simulation } from '@wus/core/testing';
import { plugins } from './index.js';
import { WusLrPolicy } from './wus-lr.js';

/** Inner test policy: a window at given epochs, `epoch → [index, streak]`. */
const scripted = (windows: Record<number, [number, number]>): SkipPolicyPlugin => ({
  kind: 'skip-policy',
  name: 'scripted',
  description: 'test policy',
  create: () => ({
    description: 'scripted',
    plan: (ctx): UpdatePlan => {
      const w = windows[ctx.epoch];
      return w === undefined ? FULL_UPDATE : skipWeights({ index: w[0], streak: w[1] });
    },
  }),
});
const WINDOWS: Record<number, [number, number]> = { 2: [0, 1], 4: [1, 2], 6: [2, 3], 9: [3, 1], 11: [4, 2] };
const registry = () => new PluginRegistry().register(...plugins, scripted(WINDOWS));
const create = (options: Record<string, unknown>) => registry().createPolicy({ name: 'wus-lr', options });

/** LR multiplier of each epoch, checked to be the same for every step and every updated group. */
function epochScales(sim: Simulation): number[] {
  return sim.epochs.map((e) => {
    const scales = e.steps.flatMap((s) => s.plan.groups.map((g) => lrScaleOf(s.plan, g)));
    expect(new Set(scales).size).toBe(1);
    return scales[0]!;
  });
}

describe('wus-lr', () => {
  it('decays by gamma at the start of each repeated window (streak ≥ 2), for full and skipped steps alike', async () => {
    const policy = create({ inner: 'scripted' });
    const sim = await simulatePolicy(policy, { stepsPerEpoch: 3, accuracies: new Array<number>(13).fill(0.5) });
    expect(sim.pattern).toBe('FFSFSFSFFSFSF');
    expect(epochScales(sim)).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.25, 0.125, 0.125]);
    expect(policy instanceof WusLrPolicy && policy.lrMultiplier).toBe(0.125);
  });

  it("decayOn: 'every-window' decays at every window start, never below minLrScale", async () => {
    const policy = create({ inner: 'scripted', decayOn: 'every-window', gamma: 0.5, minLrScale: 0.05 });
    const sim = await simulatePolicy(policy, { stepsPerEpoch: 2, accuracies: new Array<number>(13).fill(0.5) });
    // 0.5, 0.25, 0.125, 0.0625, then 0.03125 is floored to 0.05.
    expect(epochScales(sim)).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125, 0.125, 0.0625, 0.0625, 0.05, 0.05]);
  });

  it('decays once per window even when asked twice for the same step, and resets at train begin', async () => {
    const policy = create({ inner: 'scripted', decayOn: 'every-window' });
    const ctx = fakeContext({ epoch: 2 });
    expect(lrScaleOf(policy.plan(ctx), 'bias')).toBe(0.5);
    expect(lrScaleOf(policy.plan(ctx), 'bias')).toBe(0.5);
    await policy.onTrainBegin?.(fakeContext());
    expect(lrScaleOf(policy.plan(fakeContext({ epoch: 0 })), 'weight')).toBe(1);
  });

  it('describes itself with resolved options and the inner description', () => {
    expect(create({ inner: 'scripted' }).description).toBe(
      'wus-lr(gamma=0.5,minLrScale=0.05,decayOn=repeat,inner=scripted)',
    );
  });

  it('rejects bad options with a ConfigError naming each one', () => {
    expect(() => create({ inner: 'scripted', gamma: 0 })).toThrow(ConfigError);
    expect(() => create({ inner: 'scripted', gamma: 1.5, minLrScale: -1 })).toThrow(/gamma: .*; minLrScale: /);
    expect(() => create({ inner: 'scripted', decayOn: 'always' })).toThrow(/decayOn/);
    expect(() => create({ inner: 'wus', wus: { threshold: 0.01 } })).toThrow(/not both/);
  });

  it('reports unknown inner policies with the registered names, including the default "wus"', () => {
    expect(() => create({ inner: 'wuss' })).toThrow(PluginError);
    expect(() => create({ inner: { name: 'wuss' } })).toThrow(/unknown skip-policy "wuss"; registered: scripted, wus-lr/);
    expect(() => create({})).toThrow(/unknown skip-policy "wus"; registered: scripted, wus-lr/);
  });
});
