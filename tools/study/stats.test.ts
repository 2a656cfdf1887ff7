import { describe, expect, it } from 'vitest';
import { budgetEpochs, paretoFront, stat } from './stats.mjs';

describe('the study\'s arithmetic', () => {
  it('budget: the first epoch after which the best validation accuracy so far never again gains 0.1 pp per epoch', () => {
    // Best so far from epoch 3 on: .87 .8705 .871 .871 .8712: at most 0.05 pp per epoch after it.
    expect(budgetEpochs([0.8, 0.85, 0.87, 0.8705, 0.871, 0.86, 0.8712])).toBe(3);
    // A dip and a flat stretch do not end it while a later epoch still gains faster on average.
    expect(budgetEpochs([0.8, 0.85, 0.84, 0.87, 0.871, 0.872, 0.9, 0.9005, 0.9008, 0.901])).toBe(7);
    expect(budgetEpochs([0.5, 0.6, 0.7])).toBeUndefined();
  });

  it('Pareto front: settings no other beats on both time saved and Δ accuracy (means over seeds)', () => {
    const p = (title: string, timeSavedPct: number, deltaAccuracyPp: number) => ({ title, timeSavedPct, deltaAccuracyPp });
    const front = paretoFront([p('a', 50, -0.5), p('b', 30, -0.1), p('c', 20, -0.3), p('d', 10, 0.1), p('e', 60, -1), p('e', 40, -1)]);
    // c is beaten by b; e's mean (50, −1) by a.
    expect([...front].sort()).toEqual(['a', 'b', 'd']);
  });

  it('mean ± sample std', () => {
    expect(stat([1, 2, 3])).toEqual({ mean: 2, std: 1, n: 3 });
    expect(stat([5])).toEqual({ mean: 5, std: 0, n: 1 });
    expect(stat([])).toBeUndefined();
  });
});
