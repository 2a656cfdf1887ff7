import { ConfigError, PluginRegistry } from '@wus/core';
import { describe, expect, it } from 'vitest';
// Shared fake context; proposed for @wus/core/testing (test files only import it here).
import { fakeContext } from '@wus/core/testing';
import * as mod from './index.js';

const registry = () => new PluginRegistry().register(...mod.plugins);
const at = (epoch: number, stepInEpoch = 0, epochs = 10, stepsPerEpoch = 10) =>
  fakeContext({ epoch, stepInEpoch, epochs, stepsPerEpoch, step: Math.max(0, epoch) * stepsPerEpoch + stepInEpoch });

describe('step', () => {
  it('multiplies by gamma every stepEpochs epochs (defaults 10, 0.1)', () => {
    const s = registry().createScheduler('step');
    expect(s.description).toBe('step(stepEpochs=10,gamma=0.1)');
    expect(s.factor(at(-1))).toBe(1);
    expect(s.factor(at(9, 9))).toBe(1);
    expect(s.factor(at(10))).toBeCloseTo(0.1, 12);
    expect(s.factor(at(25))).toBeCloseTo(0.01, 12);
  });

  it('honours its options and rejects bad ones', () => {
    const s = registry().createScheduler({ name: 'step', options: { stepEpochs: 3, gamma: 0.5 } });
    expect([0, 2, 3, 5, 6, 9].map((e) => s.factor(at(e)))).toEqual([1, 1, 0.5, 0.5, 0.25, 0.125]);
    expect(() => registry().createScheduler({ name: 'step', options: { stepEpochs: 0 } })).toThrow(/stepEpochs/);
    expect(() => registry().createScheduler({ name: 'step', options: { gamma: -0.1 } })).toThrow(ConfigError);
  });
});
