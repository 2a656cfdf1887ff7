import { ConfigError, FULL_UPDATE, PluginRegistry } from '@wus/core';
import { describe, expect, it } from 'vitest';
// Shared fake context; proposed for @wus/core/testing (test files only import it here).
import { fakeContext, scriptedPolicy, simulatePolicy } from '@wus/core/testing';
import * as mod from './index.js';

const registry = () => new PluginRegistry().register(...mod.plugins);

describe('plateau (Keras ReduceLROnPlateau)', () => {
  /** Factor in force after each evaluation of the scripted metric values. */
  async function factorsAfter(options: Record<string, unknown>, values: number[], metric = 'val_loss') {
    const s = registry().createScheduler({ name: 'plateau', options });
    await s.onTrainBegin?.(fakeContext());
    return values.map((v, epoch) => {
      void s.onEvaluation?.(fakeContext({ epoch }), { epoch, metrics: { [metric]: v }, fullyUpdated: true, layerChange: {} });
      return s.factor(fakeContext({ epoch: epoch + 1 }));
    });
  }

  it('reduces by factor after patience evaluations without improvement (defaults)', async () => {
    expect(registry().createScheduler('plateau').description).toBe(
      'plateau(monitor=val_loss,mode=min,factor=0.1,patience=2,minDelta=0.0001,cooldown=0,minFactor=0)',
    );
    const f = await factorsAfter({}, [1, 0.9, 0.9, 0.9, 0.9, 0.9, 0.5]);
    expect(f.slice(0, 3)).toEqual([1, 1, 1]);
    expect(f[3]).toBeCloseTo(0.1, 12);
    expect(f[4]).toBeCloseTo(0.1, 12);
    expect(f[5]).toBeCloseTo(0.01, 12);
    expect(f[6]).toBeCloseTo(0.01, 12);
  });

  it('in the trainer loop the reduced factor applies from the first step of the next epoch', async () => {
    const scheduler = registry().createScheduler({ name: 'plateau', options: { factor: 0.5, patience: 1 } });
    const sim = await simulatePolicy(scriptedPolicy('full', () => FULL_UPDATE), {
      stepsPerEpoch: 2,
      accuracies: [0.5, 0.5, 0.6, 0.6],
      scheduler,
    });
    // val_loss = 1 − accuracy: .5, .5 (→ 0.5), .4 (improves), .4 (→ 0.25 after the run).
    expect(sim.steps.map((s) => s.scheduleFactor)).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5]);
    expect(scheduler.factor(fakeContext())).toBe(0.25);
  });

  it('needs an improvement larger than minDelta', async () => {
    expect(await factorsAfter({ factor: 0.5 }, [1, 0.99995, 0.9999])).toEqual([1, 1, 0.5]);
    expect(await factorsAfter({ factor: 0.5, minDelta: 0 }, [1, 0.99995, 0.9999])).toEqual([1, 1, 1]);
  });

  it('cooldown suspends waiting after a reduction; minFactor floors the factor', async () => {
    const flat = [1, 1, 1, 1, 1, 1, 1, 1];
    expect(await factorsAfter({ factor: 0.5 }, flat)).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125]);
    expect(await factorsAfter({ factor: 0.5, cooldown: 2 }, flat)).toEqual([1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25]);
    expect(await factorsAfter({ factor: 0.5, minFactor: 0.3 }, flat)).toEqual([1, 1, 0.5, 0.5, 0.3, 0.3, 0.3, 0.3]);
    expect(await factorsAfter({ factor: 0.5, patience: 0 }, [1, 1, 1])).toEqual([1, 0.5, 0.25]);
  });

  it("mode auto is 'max' for accuracy metrics, overridable", async () => {
    const acc = [0.5, 0.6, 0.6, 0.6];
    expect(await factorsAfter({ monitor: 'val_accuracy', factor: 0.5 }, acc, 'val_accuracy')).toEqual([1, 1, 1, 0.5]);
    expect(await factorsAfter({ monitor: 'val_accuracy', factor: 0.5, mode: 'min' }, acc, 'val_accuracy')).toEqual([
      1, 1, 0.5, 0.5,
    ]);
  });

  it('fails clearly when the monitored metric is missing, and rejects bad options', async () => {
    await expect(factorsAfter({}, [0.5], 'loss')).rejects.toThrow(
      /plateau: monitored metric "val_loss" is missing from the evaluation of epoch 1; available: loss/,
    );
    expect(() => registry().createScheduler({ name: 'plateau', options: { factor: 1 } })).toThrow(ConfigError);
    expect(() => registry().createScheduler({ name: 'plateau', options: { patience: -1, mode: 'up' } })).toThrow(
      /mode: .*; patience: /,
    );
  });

  it('resets at train begin', async () => {
    const s = registry().createScheduler({ name: 'plateau', options: { patience: 0, factor: 0.5 } });
    s.onEvaluation?.(fakeContext({ epoch: 0 }), { epoch: 0, metrics: { val_loss: 1 }, fullyUpdated: true, layerChange: {} });
    s.onEvaluation?.(fakeContext({ epoch: 1 }), { epoch: 1, metrics: { val_loss: 1 }, fullyUpdated: true, layerChange: {} });
    expect(s.factor(fakeContext())).toBe(0.5);
    await s.onTrainBegin?.(fakeContext());
    expect(s.factor(fakeContext())).toBe(1);
  });
});
