import { ConfigError, FULL_UPDATE, PluginRegistry } from '@wus/core';
import { describe, expect, it } from 'vitest';
import { NeverPolicy, neverPlugin } from './never.js';
import { simulatePolicy } from '@wus/core/testing';

describe('never', () => {
  it('plans FULL_UPDATE at every step, whatever the metrics', async () => {
    const sim = await simulatePolicy(new NeverPolicy(), { stepsPerEpoch: 3, accuracies: [0.5, 0.5, 0.5, 0.5] });
    expect(sim.pattern).toBe('FFFF');
    expect(sim.steps.every((s) => s.plan === FULL_UPDATE)).toBe(true);
  });

  it('is created from the plugin and describes itself', () => {
    const registry = new PluginRegistry().register(neverPlugin);
    expect(registry.createPolicy('never').description).toBe('never');
  });

  it('rejects options it does not know', () => {
    const registry = new PluginRegistry().register(neverPlugin);
    expect(() => registry.createPolicy({ name: 'never', options: { epochs: 3 } })).toThrow(ConfigError);
  });
});
