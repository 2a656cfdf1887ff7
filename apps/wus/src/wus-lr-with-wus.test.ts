import { ConfigError, PluginRegistry, lrScaleOf } from '@wus/core';
import { describe, expect, it } from 'vitest';
// Integration of wus-lr with the real wus, composed by name through the registry as the app
// composes them. It lives in the app, the only package that may know both plugins.
import { plugins as wusPlugins } from '@wus/policy-wus';
import { plugins } from '@wus/policy-wus-lr';
import { simulatePolicy } from '@wus/core/testing';

const registry = () => new PluginRegistry().register(...plugins, ...wusPlugins);

describe('wus-lr around the real wus', () => {
  it('halves the LR at each repeated window of a flat plateau, down to the 0.05 floor', async () => {
    const policy = registry().createPolicy('wus-lr');
    const sim = await simulatePolicy(policy, { stepsPerEpoch: 2, accuracies: new Array<number>(14).fill(0.6) });
    expect(sim.pattern).toBe('FFSFSFSFSFSFSF');
    expect(sim.epochs.map((e) => e.steps[0]!.plan.window?.streak ?? 0)).toEqual([0, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0]);
    const weightOrBias = sim.epochs.map((e) => lrScaleOf(e.steps[1]!.plan, e.fullyUpdated ? 'weight' : 'bias'));
    expect(weightOrBias).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125, 0.0625, 0.0625, 0.05, 0.05]);
  });

  it('keeps the LR while plateaus are separated by real changes (every window has streak 1)', async () => {
    const accuracies = [0.5, 0.6, 0.6, 0, 0.7, 0.7, 0, 0.8, 0.8, 0];
    const sim = await simulatePolicy(registry().createPolicy('wus-lr'), { stepsPerEpoch: 1, accuracies });
    expect(sim.pattern).toBe('FFFSFFSFFS');
    expect(sim.steps.every((s) => s.plan.lrScale === undefined)).toBe(true);
  });

  it("with windowRule 'plateau' the plateau never pauses, and the LR decays for every epoch it persists", async () => {
    const policy = registry().createPolicy({ name: 'wus-lr', options: { wus: { windowRule: 'plateau' } } });
    const sim = await simulatePolicy(policy, { stepsPerEpoch: 2, accuracies: new Array<number>(7).fill(0.6) });
    expect(sim.pattern).toBe('FFSSSSS');
    expect(sim.epochs.map((e) => lrScaleOf(e.steps[1]!.plan, 'bias'))).toEqual([1, 1, 1, 0.5, 0.25, 0.125, 0.0625]);
    // Plain WUS with the same rule skips the same epochs at the full LR: WUS+LR really differs.
    const plain = await simulatePolicy(registry().createPolicy({ name: 'wus', options: { windowRule: 'plateau' } }), { stepsPerEpoch: 2, accuracies: new Array<number>(7).fill(0.6) });
    expect(plain.pattern).toBe('FFSSSSS');
    expect(plain.steps.every((s) => lrScaleOf(s.plan, 'bias') === 1)).toBe(true);
  });

  it('forwards WUS options through "wus" (validated by wus itself)', () => {
    const r = registry();
    expect(r.createPolicy({ name: 'wus-lr', options: { wus: { threshold: 0.01, windowSteps: 5 } } }).description).toBe(
      'wus-lr(gamma=0.5,minLrScale=0.05,decayOn=repeat,inner=wus(monitor=val_accuracy,threshold=0.01,mode=absolute,warmupEpochs=1,window=5 steps,minFullEpochs=1,maxConsecutiveWindows=unbounded,scope=biases,windowRule=fixed))',
    );
    expect(() => r.createPolicy({ name: 'wus-lr', options: { wus: { threshold: -1 } } })).toThrow(ConfigError);
    expect(() => r.createPolicy({ name: 'wus-lr', options: { wus: { threshold: -1 } } })).toThrow(/wus.*threshold/);
  });
});
