import { describe, expect, it } from 'vitest';
import { InvalidTrackingInputError, decodeMetricValue, encodeMetricValue, flattenParams, validateKey } from '../src/index.js';

describe('validation helpers', () => {
  it('accepts MLflow-style keys and refuses the rest', () => {
    for (const k of ['loss', 'val_accuracy', 'policy.tau', 'grad/layer 1', 'a-b', 'k'.repeat(250)]) {
      expect(validateKey('metric', k)).toBe(k);
    }
    for (const k of ['', 'a:b', 'é', '/abs', 'a//b', 'a/./b', 'k'.repeat(251), 'tab\t']) {
      expect(() => validateKey('metric', k), k).toThrow(InvalidTrackingInputError);
    }
  });

  it('round-trips non-finite metric values through their JSON encoding', () => {
    for (const v of [0, -1.5, 1e-300, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const back = decodeMetricValue(JSON.parse(JSON.stringify(encodeMetricValue(v))));
      expect(Object.is(back, v) || (Number.isNaN(v) && Number.isNaN(back))).toBe(true);
    }
    expect(decodeMetricValue('nan')).toBeUndefined();
    expect(decodeMetricValue(null)).toBeUndefined();
  });

  it('flattens nested options into dotted param keys', () => {
    expect(
      flattenParams({ lr: 0.1, policy: { name: 'wus', tau: 0.01, warmup: { epochs: 2 } }, layers: [64, 32], seed: undefined, big: 10n }),
    ).toEqual({ lr: 0.1, 'policy.name': 'wus', 'policy.tau': 0.01, 'policy.warmup.epochs': 2, layers: '[64,32]', big: '10' });
  });
});
