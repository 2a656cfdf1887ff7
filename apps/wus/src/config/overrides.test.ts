import { ConfigError } from '@wus/core';
import { describe, expect, it } from 'vitest';
import { applyOptionOverrides, trialLabels } from './overrides.js';

describe('-o overrides', () => {
  it('reach nested options through dotted paths', () => {
    expect(applyOptionOverrides(['never', 'wus-lr'], ['wus-lr.wus.threshold=0', 'wus-lr.gamma=0.25'])).toEqual([
      { name: 'never', options: {} },
      { name: 'wus-lr', options: { wus: { threshold: 0 }, gamma: 0.25 } },
    ]);
    // A spec met on the way is opened up: its keys are its options.
    expect(applyOptionOverrides([{ name: 'wus-lr', options: { inner: 'wus' } }, 'never'], ['wus-lr.inner.threshold=0.01'])[0]).toEqual({
      name: 'wus-lr',
      options: { inner: { name: 'wus', options: { threshold: 0.01 } } },
    });
  });

  it('apply to every trial of the named policy, or to one trial by its label', () => {
    const specs = ['never', 'wus', { name: 'wus', options: { threshold: 0.01 } }];
    expect(trialLabels(specs)).toEqual(['never', 'wus', 'wus_2']);
    expect(applyOptionOverrides(specs, ['wus.scope=front'])).toEqual([
      { name: 'never', options: {} },
      { name: 'wus', options: { scope: 'front' } },
      { name: 'wus', options: { threshold: 0.01, scope: 'front' } },
    ]);
    expect(applyOptionOverrides(specs, ['wus_2.threshold=0.1'])[2]).toEqual({ name: 'wus', options: { threshold: 0.1 } });
  });

  it('that match nothing fail, never silently do nothing', () => {
    expect(() => applyOptionOverrides(['never', 'wus'], ['wus-lr.gamma=0.5'])).toThrow(ConfigError);
    expect(() => applyOptionOverrides(['never', 'wus'], ['wus-lr.gamma=0.5'])).toThrow(/names "wus-lr", which is no trial or callback among: never, wus/);
    expect(() => applyOptionOverrides(['never', 'wus'], ['threshold=0.5'])).toThrow(/ambiguous/);
    expect(() => applyOptionOverrides([{ name: 'wus', options: { threshold: 0.1 } }], ['threshold.x=1'])).toThrow(/"threshold" is 0.1, not a set of options/);
    // A single spec needs no target.
    expect(applyOptionOverrides(['wus'], ['threshold=0.5'])).toEqual([{ name: 'wus', options: { threshold: 0.5 } }]);
  });
});
