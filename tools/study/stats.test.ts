import { describe, expect, it } from 'vitest';
import { budgetEpochs, paretoFront, stat } from './stats.mjs';

describe('the study\'s arithmetic', () => {
  it('budget: the first epoch after which the best validation accuracy so far gains < 0.1 pp per epoch over the next two', () => {
    // Best so far: .80 .85 .87 .875 .876 .876 → gains over two epochs from epoch 3: (.876 − .87) / 2 = 0.3 pp; from 4: 0.05 pp.
    expect(budgetEpochs([0.8, 0.85, 0.87, 0.875, 0.876, 0.86])).toBe(4);
    // A noisy dip does not end it: best-so-far ignores it.
    expect(budgetEpochs([0.8, 0.85, 0.84, 0.87, 0.9, 0.91, 0.911, 0.9115])).toBe(6);
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
