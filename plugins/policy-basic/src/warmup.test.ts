import { ConfigError, FULL_UPDATE, PluginError, type SkipPolicy } from '@wus/core';
import { describe, expect, it } from 'vitest';
import { basicRegistry } from './test-support/registry.js';
import { simulatePolicy } from '@wus/core/testing';
import { WarmupPolicy } from './warmup.js';

describe('warmup', () => {
  it('forces full updates during the first N epochs, then follows the inner policy', async () => {
    const policy = basicRegistry().createPolicy({ name: 'warmup', options: { epochs: 2, inner: 'always' } });
    const sim = await simulatePolicy(policy, { stepsPerEpoch: 2, accuracies: [0.5, 0.5, 0.5, 0.5, 0.5] });
    expect(sim.pattern).toBe('FFSSS');
    expect(policy.description).toBe('warmup(epochs=2,inner=always)');
  });

  it('defaults to 1 epoch around "never"', async () => {
    const policy = basicRegistry().createPolicy('warmup');
    expect(policy.description).toBe('warmup(epochs=1,inner=never)');
    const sim = await simulatePolicy(policy, { stepsPerEpoch: 2, accuracies: [0.5, 0.5, 0.5] });
    expect(sim.pattern).toBe('FFF');
  });

  it('epochs: 0 passes the inner plan through from the start', async () => {
    const policy = basicRegistry().createPolicy({ name: 'warmup', options: { epochs: 0, inner: 'always' } });
    const sim = await simulatePolicy(policy, { stepsPerEpoch: 2, accuracies: [0.5, 0.5] });
    expect(sim.pattern).toBe('SS');
  });

  it('forwards every event to the inner policy, even during the warm-up, but does not ask it for plans then', async () => {
    const seen: string[] = [];
    const inner: SkipPolicy = {
      description: 'spy',
      plan: (ctx) => (seen.push(`plan@${ctx.epoch}`), FULL_UPDATE),
      onTrainBegin: () => void seen.push('trainBegin'),
      onEpochBegin: (ctx) => void seen.push(`epochBegin@${ctx.epoch}`),
      onStepEnd: (_ctx, s) => void seen.push(`stepEnd@${s.epoch}`),
      onEvaluation: (_ctx, e) => void seen.push(`evaluation@${e.epoch}`),
      onEpochEnd: (_ctx, e) => void seen.push(`epochEnd@${e.epoch}`),
      onTrainEnd: () => void seen.push('trainEnd'),
    };
    await simulatePolicy(new WarmupPolicy(1, inner), { stepsPerEpoch: 1, accuracies: [0.5, 0.6] });
    expect(seen).toEqual([
      'trainBegin',
      'epochBegin@0',
      'stepEnd@0',
      'evaluation@0',
      'epochEnd@0',
      'epochBegin@1',
      'plan@1',
      'stepEnd@1',
      'evaluation@1',
      'epochEnd@1',
      'trainEnd',
    ]);
  });

  it('rejects a negative or fractional epoch count with a ConfigError naming the option', () => {
    const r = basicRegistry();
    expect(() => r.createPolicy({ name: 'warmup', options: { epochs: -1 } })).toThrow(ConfigError);
    expect(() => r.createPolicy({ name: 'warmup', options: { epochs: 1.5 } })).toThrow(/epochs/);
  });

  it('reports an unknown inner policy with the registered names', () => {
    expect(() => basicRegistry().createPolicy({ name: 'warmup', options: { inner: 'nope' } })).toThrow(PluginError);
    expect(() => basicRegistry().createPolicy({ name: 'warmup', options: { inner: { name: 'nope' } } })).toThrow(
      /unknown skip-policy "nope"; registered: all, always, any, cap, never, warmup/,
    );
  });
});
