import { ConfigError, FULL_UPDATE, PluginError, scaleLr, skipWeights, type SkipPolicy, type UpdatePlan } from '@wus/core';
import { describe, expect, it } from 'vitest';
import { AllPolicy, AnyPolicy, combinePlans } from './combine.js';
import { basicRegistry, scriptedPlugin } from './test-support/registry.js';
import { scriptedPolicy, simulatePolicy } from '@wus/core/testing';

const full = FULL_UPDATE;
const skip = skipWeights();
/** An unusual plan (weights move, BatchNorm frozen) to make the group algebra visible. */
const noNorm: UpdatePlan = { groups: ['weight', 'bias'] };

describe('combinePlans', () => {
  it('all: updates the union of groups, so it skips weights only when every plan does', () => {
    expect(combinePlans('all', [full, skip]).groups).toEqual(FULL_UPDATE.groups);
    expect(combinePlans('all', [skip, skip]).groups).toEqual(['bias', 'norm-shift']);
    expect(combinePlans('all', [noNorm, skip]).groups).toEqual(['weight', 'bias', 'norm-shift']);
  });

  it('any: updates the intersection of groups, so it skips weights when one plan does', () => {
    expect(combinePlans('any', [full, skip]).groups).toEqual(['bias', 'norm-shift']);
    expect(combinePlans('any', [full, full]).groups).toEqual(FULL_UPDATE.groups);
    expect(combinePlans('any', [noNorm, full]).groups).toEqual(['weight', 'bias']);
    expect(combinePlans('any', [noNorm, skip]).groups).toEqual(['bias']);
  });

  it('carries the window of the first inner plan that skips with one, only when the result skips', () => {
    const w1 = skipWeights({ index: 1, streak: 1 });
    const w2 = skipWeights({ index: 7, streak: 3 });
    expect(combinePlans('any', [full, skip, w2, w1]).window).toEqual({ index: 7, streak: 3 });
    expect(combinePlans('all', [w1, w2]).window).toEqual({ index: 1, streak: 1 });
    expect(combinePlans('all', [w1, full]).window).toBeUndefined();
  });

  it('gives each updated group the smallest multiplier among the plans that update it', () => {
    const plan = combinePlans('all', [scaleLr(full, 0.5), scaleLr(skip, 0.25)]);
    expect(plan.lrScale).toEqual({ weight: 0.5, bias: 0.25, 'norm-scale': 0.5, 'norm-shift': 0.25 });
    expect(combinePlans('any', [full, skip]).lrScale).toBeUndefined();
  });
});

describe('any / all policies', () => {
  // Inner A skips epochs 1 and 2, inner B skips epochs 2 and 3.
  const registry = () =>
    basicRegistry().register(
      scriptedPlugin('a', (ctx) => (ctx.epoch === 1 || ctx.epoch === 2 ? skip : full)),
      scriptedPlugin('b', (ctx) => (ctx.epoch === 2 || ctx.epoch === 3 ? skip : full)),
    );

  it('any skips in the epochs where at least one inner policy skips', async () => {
    const p = registry().createPolicy({ name: 'any', options: { policies: ['a', { name: 'b' }] } });
    expect(p.description).toBe('any(a,b)');
    expect((await simulatePolicy(p, { stepsPerEpoch: 2, accuracies: [0, 0, 0, 0, 0] })).pattern).toBe('FSSSF');
  });

  it('all skips only in the epochs where every inner policy skips', async () => {
    const p = registry().createPolicy({ name: 'all', options: { policies: ['a', 'b'] } });
    expect(p.description).toBe('all(a,b)');
    expect((await simulatePolicy(p, { stepsPerEpoch: 2, accuracies: [0, 0, 0, 0, 0] })).pattern).toBe('FFSFF');
  });

  it('forwards events to, and asks plans from, every inner policy', async () => {
    const counts = [0, 0];
    const evals = [0, 0];
    const spy = (i: 0 | 1): SkipPolicy => ({
      ...scriptedPolicy(`s${i}`, () => (counts[i]! += 1, full)),
      onEvaluation: () => void (evals[i]! += 1),
    });
    await simulatePolicy(new AnyPolicy([spy(0), spy(1)]), { stepsPerEpoch: 3, accuracies: [0, 0] });
    await simulatePolicy(new AllPolicy([spy(0), spy(1)]), { stepsPerEpoch: 3, accuracies: [0, 0] });
    expect(counts).toEqual([12, 12]);
    expect(evals).toEqual([4, 4]);
  });

  it('needs at least one inner policy', () => {
    expect(() => basicRegistry().createPolicy({ name: 'any', options: { policies: [] } })).toThrow(ConfigError);
    expect(() => basicRegistry().createPolicy({ name: 'all', options: {} })).toThrow(/policies/);
  });

  it('reports an unknown inner policy with the registered names', () => {
    expect(() => basicRegistry().createPolicy({ name: 'all', options: { policies: ['never', 'wuss'] } })).toThrow(
      PluginError,
    );
    expect(() => basicRegistry().createPolicy({ name: 'any', options: { policies: ['wuss'] } })).toThrow(
      /registered: all, always, any, cap, never, warmup/,
    );
  });
});
