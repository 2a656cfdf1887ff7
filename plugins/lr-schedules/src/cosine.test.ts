import { PluginRegistry } from '@wus/core';
import { describe, expect, it } from 'vitest';
// Shared fake context; proposed for @wus/core/testing (test files only import it here).
import { fakeContext } from '@wus/core/testing';
import * as mod from './index.js';

const registry = () => new PluginRegistry().register(...mod.plugins);
const at = (epoch: number, stepInEpoch = 0, epochs = 10, stepsPerEpoch = 10) =>
  fakeContext({ epoch, stepInEpoch, epochs, stepsPerEpoch, step: Math.max(0, epoch) * stepsPerEpoch + stepInEpoch });

describe('cosine', () => {
  it('decays smoothly per step from 1 towards 0 over ctx.epochs', () => {
    const s = registry().createScheduler('cosine');
    expect(s.description).toBe('cosine(warmupEpochs=0,minFactor=0)');
    // 10 epochs × 10 steps: s = 0, 25, 50, 75, 99.
    expect(s.factor(at(0))).toBe(1);
    expect(s.factor(at(2, 5))).toBeCloseTo((1 + Math.SQRT1_2) / 2, 12);
    expect(s.factor(at(5))).toBeCloseTo(0.5, 12);
    expect(s.factor(at(7, 5))).toBeCloseTo((1 - Math.SQRT1_2) / 2, 12);
    expect(s.factor(at(9, 9))).toBeCloseTo((1 + Math.cos((Math.PI * 99) / 100)) / 2, 12);
    // Within an epoch the factor already moves (per step, not per epoch).
    expect(s.factor(at(5, 1))).toBeLessThan(s.factor(at(5, 0)));
  });

  it('warms up linearly, then decays to minFactor', () => {
    const s = registry().createScheduler({ name: 'cosine', options: { warmupEpochs: 2, minFactor: 0.1 } });
    expect(s.factor(at(0, 0))).toBeCloseTo(1 / 20, 12);
    expect(s.factor(at(0, 9))).toBeCloseTo(10 / 20, 12);
    expect(s.factor(at(1, 9))).toBe(1);
    expect(s.factor(at(2, 0))).toBe(1);
    // Half-way through the 80 decay steps: 0.1 + 0.9 × 0.5.
    expect(s.factor(at(6, 0))).toBeCloseTo(0.55, 12);
    expect(() => registry().createScheduler({ name: 'cosine', options: { minFactor: 2 } })).toThrow(/minFactor/);
  });
});
