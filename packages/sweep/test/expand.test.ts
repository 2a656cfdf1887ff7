import { describe, expect, it } from 'vitest';
import { baselineKey, expandSweep, paretoFront, sweepConfig } from '../src/index.js';

describe('sweep config', () => {
  it('refuses an unknown key, an empty grid list and a sweep with nothing to vary', () => {
    expect(sweepConfig.safeParse({ grid: { lr: [0.1] }, gird: {} }).error?.issues[0]?.message).toMatch(/unrecognized key.*"gird"/i);
    expect(sweepConfig.safeParse({ grid: { lr: [] } }).error?.issues[0]).toMatchObject({ path: ['grid', 'lr'], message: 'is empty: give at least one value' });
    expect(sweepConfig.safeParse({ base: { model: 'mlp' } }).error?.issues[0]?.message).toMatch(/the sweep is empty/);
  });
});

describe('expandSweep', () => {
  const sweep = sweepConfig.parse({
    base: { model: 'mlp', epochs: 1 },
    grid: { policy: ['never', 'wus'], seed: [1, 2] },
    random: { trials: 2, seed: 3, space: { lr: { min: 0.01, max: 0.1, log: true }, 'policy.options.threshold': { values: [0.01] } } },
  });

  it('crosses every grid combination with every random draw, keys stable and distinct', () => {
    const trials = expandSweep(sweep);
    expect(trials).toHaveLength(8);
    expect(new Set(trials.map((t) => t.key)).size).toBe(8);
    expect(expandSweep(sweep).map((t) => t.key)).toEqual(trials.map((t) => t.key));
    // A dotted path reaches into a policy given by name.
    expect(trials.find((t) => t.values['policy'] === 'wus')!.config['policy']).toEqual({ name: 'wus', options: { threshold: 0.01 } });
    for (const t of trials) {
      expect(t.config['lr']).toBeGreaterThanOrEqual(0.01);
      expect(t.config['lr']).toBeLessThanOrEqual(0.1);
      expect(t.config['model']).toBe('mlp');
    }
    // Draws are shared across the grid: each wus trial has a never trial with its lr and seed.
    const plain = sweepConfig.parse({ grid: { policy: ['never', { name: 'wus' }], seed: [1, 2] }, random: { trials: 2, space: { lr: { min: 0.01, max: 0.1 } } } });
    const all = expandSweep(plain);
    for (const t of all.filter((x) => x.values['policy'] !== 'never')) {
      const base = all.find((x) => x.key === baselineKey(t.values, 'never'));
      expect(base?.values).toEqual({ ...t.values, policy: 'never' });
    }
  });
});

describe('paretoFront', () => {
  it('keeps the trials no other beats on both time saved and Δ accuracy', () => {
    const pts = [
      { timeSavedPct: 0, deltaAccuracyPp: 0 },
      { timeSavedPct: 20, deltaAccuracyPp: -0.5 },
      { timeSavedPct: 10, deltaAccuracyPp: -1 }, // beaten by the one above
      { timeSavedPct: 30, deltaAccuracyPp: -2 },
      { timeSavedPct: Number.NaN, deltaAccuracyPp: 5 },
    ];
    expect([...paretoFront(pts)].sort()).toEqual([0, 1, 3]);
  });
});
