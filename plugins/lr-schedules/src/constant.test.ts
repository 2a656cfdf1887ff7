import { ConfigError, PluginRegistry } from '@wus/core';
import { describe, expect, it } from 'vitest';
// Shared fake context; proposed for @wus/core/testing (test files only import it here).
import { fakeContext } from '@wus/core/testing';
import * as mod from './index.js';

const registry = () => new PluginRegistry().register(...mod.plugins);
const at = (epoch: number, stepInEpoch = 0, epochs = 10, stepsPerEpoch = 10) =>
  fakeContext({ epoch, stepInEpoch, epochs, stepsPerEpoch, step: Math.max(0, epoch) * stepsPerEpoch + stepInEpoch });

describe('constant', () => {
  it('is 1 everywhere and takes no options', () => {
    const s = registry().createScheduler('constant');
    expect([at(-1), at(0), at(7, 3)].map((c) => s.factor(c))).toEqual([1, 1, 1]);
    expect(() => registry().createScheduler({ name: 'constant', options: { value: 2 } })).toThrow(ConfigError);
  });
});
