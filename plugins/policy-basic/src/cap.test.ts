import { ConfigError, FULL_UPDATE, lrScaleOf, scaleLr, skipWeights, type StepRecord } from '@wus/core';
import { describe, expect, it } from 'vitest';
import { CapPolicy } from './cap.js';
import { basicRegistry } from './test-support/registry.js';
import { fakeContext, scriptedPolicy, simulatePolicy } from '@wus/core/testing';

const cap = (maxSkipFraction: number) =>
  basicRegistry().createPolicy({ name: 'cap', options: { maxSkipFraction, inner: 'always' } });

describe('cap', () => {
  it('skips only while (skipped + 1) / (steps + 1) stays within the cap: exact pattern for 0.4', async () => {
    const sim = await simulatePolicy(cap(0.4), { stepsPerEpoch: 10, accuracies: [0.5] });
    // step i allowed iff (s+1)/(i+1) <= 0.4: 1/3, 2/5, 3/8, 4/10 pass; everything else is full.
    expect(sim.epochs[0]!.stepPattern).toBe('FFSFSFFSFS');
    expect(sim.epochs[0]!.skippedSteps / 10).toBe(0.4);
  });

  it('alternates under the default cap of 0.5', async () => {
    const policy = basicRegistry().createPolicy({ name: 'cap', options: { inner: 'always' } });
    expect(policy.description).toBe('cap(maxSkipFraction=0.5,inner=always)');
    const sim = await simulatePolicy(policy, { stepsPerEpoch: 4, accuracies: [0.5, 0.5] });
    expect(sim.epochs.map((e) => e.stepPattern)).toEqual(['FSFS', 'FSFS']);
  });

  it('0 forbids every skip, 1 lets every skip through', async () => {
    expect((await simulatePolicy(cap(0), { stepsPerEpoch: 3, accuracies: [0.5, 0.5] })).pattern).toBe('FF');
    expect((await simulatePolicy(cap(1), { stepsPerEpoch: 3, accuracies: [0.5, 0.5] })).pattern).toBe('SS');
  });

  it('never touches a full inner plan', () => {
    const p = new CapPolicy(0, scriptedPolicy('full', () => FULL_UPDATE));
    expect(p.plan(fakeContext({ epoch: 0 }))).toBe(FULL_UPDATE);
  });

  it('counts executed steps from onStepEnd, not its own plans', () => {
    const p = new CapPolicy(0.5, scriptedPolicy('always', () => skipWeights()));
    const ctx = fakeContext({ epoch: 0 });
    const step = (i: number, skippedWeights: boolean): StepRecord => ({ epoch: 0, step: i, stepInEpoch: i, skippedWeights, lr: 0.1 });
    // Two steps an outer wrapper ran as full: 1/3 <= 0.5, so the next skip is allowed.
    p.onStepEnd(ctx, step(0, false));
    p.onStepEnd(ctx, step(1, false));
    expect(p.plan(ctx).groups).not.toContain('weight');
    // Had they been skips, 3/3 > 0.5 forbids it.
    const q = new CapPolicy(0.5, scriptedPolicy('always', () => skipWeights()));
    q.onStepEnd(ctx, step(0, true));
    q.onStepEnd(ctx, step(1, true));
    expect(q.plan(ctx)).toEqual(FULL_UPDATE);
    expect(q.skippedFraction).toBe(1);
  });

  it('keeps a uniform LR multiplier of the inner plan when it forces a full update', () => {
    const p = new CapPolicy(0, scriptedPolicy('decayed', () => scaleLr(skipWeights({ index: 0, streak: 2 }), 0.25)));
    const plan = p.plan(fakeContext({ epoch: 0 }));
    expect(plan.groups).toEqual(FULL_UPDATE.groups);
    expect(lrScaleOf(plan, 'weight')).toBe(0.25);
    expect(plan.window).toBeUndefined();
  });

  it('starts counting afresh at each train begin', async () => {
    const policy = cap(0.5);
    await simulatePolicy(policy, { stepsPerEpoch: 3, accuracies: [0.5] });
    const again = await simulatePolicy(policy, { stepsPerEpoch: 4, accuracies: [0.5] });
    expect(again.epochs[0]!.stepPattern).toBe('FSFS');
  });

  it('rejects a fraction outside [0, 1] with a ConfigError naming the option', () => {
    expect(() => cap(1.5)).toThrow(ConfigError);
    expect(() => cap(-0.1)).toThrow(/maxSkipFraction/);
  });
});
