import { ConfigError, FULL_UPDATE, PluginError, PluginRegistry, type SkipPolicy, type TrainingContext } from '@wus/core';
import { describe, expect, it } from 'vitest';
import { simulatePolicy, type Simulation } from '@wus/core/testing';
import { plugins } from './index.js';
import { WusPolicy } from './wus.js';

const registry = () => new PluginRegistry().register(...plugins);
const wus = (options: Record<string, unknown> = {}) => registry().createPolicy({ name: 'wus', options });
const run = (policy: SkipPolicy, accuracies: number[], stepsPerEpoch = 2) =>
  simulatePolicy(policy, { stepsPerEpoch, accuracies });
const plateau = (epochs: number, value = 0.5) => Array.from({ length: epochs }, () => value);
/** Per skipped epoch: `epoch:index/streak` from the plan's window marker. */
const windows = (sim: Simulation) =>
  sim.epochs
    .filter((e) => !e.fullyUpdated)
    .map((e) => `${e.epoch}:${e.steps[0]!.plan.window?.index}/${e.steps[0]!.plan.window?.streak}`);

describe('wus', () => {
  it('skips the epoch after a plateau; evaluations of skipped epochs are ignored (brief example)', async () => {
    // Δ: e1 .05, e2 .001 → window 3; e3 ignored; e4 |.86-.851| = .009; e5 .001 → window 6 (fresh:
    // an extra full epoch passed); e7 vs e5 .0005 → window 8, right after 6 → streak 2.
    const sim = await run(wus(), [0.8, 0.85, 0.851, 0.7, 0.86, 0.861, 0.5, 0.8615, 0.5, 0.862]);
    expect(sim.pattern).toBe('FFFSFFSFSF');
    expect(windows(sim)).toEqual(['3:0/1', '6:1/1', '8:2/2']);
  });

  it('describes itself with the resolved options', () => {
    expect(wus().description).toBe(
      'wus(monitor=val_accuracy,threshold=0.002,mode=absolute,warmupEpochs=1,window=1 epoch,minFullEpochs=1,maxConsecutiveWindows=unbounded,scope=biases,windowRule=fixed)',
    );
    expect(wus({ scope: 'front', frontShare: 0.7 }).description).toContain('scope=front(share=0.7,rest=full)');
    expect(wus({ windowSteps: 50, maxConsecutiveWindows: 3 }).description).toContain('window=50 steps');
  });

  it('on a flat plateau alternates window and one full epoch, the streak growing', async () => {
    const sim = await run(wus(), plateau(9));
    expect(sim.pattern).toBe('FFSFSFSFS');
    expect(windows(sim)).toEqual(['2:0/1', '4:1/2', '6:2/3', '8:3/4']);
  });

  it("windowRule 'plateau': a window goes on while Δ, re-measured at its end, stays below τ", async () => {
    // Flat: one window that never ends, each epoch a new index with a growing streak.
    const flat = await run(wus({ windowRule: 'plateau' }), plateau(7));
    expect(flat.pattern).toBe('FFSSSSS');
    expect(windows(flat)).toEqual(['2:0/1', '3:1/2', '4:2/3', '5:3/4', '6:4/5']);
    // Δ at the end of epoch 4 (window) vs epoch 3 is .01 ≥ τ: the plateau ends, a full epoch
    // follows (cooldown), and Δ between full evaluations opens the next one.
    const moving = await run(wus({ windowRule: 'plateau' }), [0.5, 0.5, 0.5, 0.5, 0.51, 0.51, 0.51, 0.51]);
    expect(moving.pattern).toBe('FFSSSFFS');
    // maxConsecutiveWindows bounds a plateau window as it bounds streaks.
    expect((await run(wus({ windowRule: 'plateau', maxConsecutiveWindows: 2 }), plateau(7))).pattern).toBe('FFSSFFS');
  });

  it("scope 'front' freezes the front layers within frontShare of the forward cost, entirely", async () => {
    // fakeStructure: layer costs 40, 30, 20, 10 of 100.
    const sim = await run(wus({ scope: 'front', frontShare: 0.75 }), plateau(3));
    const plan = sim.epochs[2]!.steps[0]!.plan;
    expect(plan).toEqual({ groups: FULL_UPDATE.groups, freezeBelowDepth: 2, window: { index: 0, streak: 1 } });
    const biases = await run(wus({ scope: 'front', frontShare: 0.9, rest: 'biases' }), plateau(3));
    expect(biases.epochs[2]!.steps[0]!.plan).toMatchObject({ groups: ['bias', 'norm-shift'], freezeBelowDepth: 3 });
    // The paper's scope: bias-only everywhere.
    expect((await run(wus(), plateau(3))).epochs[2]!.steps[0]!.plan).toEqual({ groups: ['bias', 'norm-shift'], window: { index: 0, streak: 1 } });
  });

  it("scope 'front' that freezes nothing or everything is a clear error at train begin", async () => {
    await expect(run(wus({ scope: 'front', frontShare: 0.3 }), plateau(3))).rejects.toThrow(
      /wus: scope "front" with frontShare=0.3 freezes no layer of fake: its first layer alone is 40.0 % of the forward cost; raise frontShare/,
    );
    await expect(run(wus({ scope: 'front', frontShare: 1 }), plateau(3))).rejects.toThrow(/would freeze every layer of fake; lower it/);
  });

  it('reports Δ as a signal for logging', async () => {
    const policy = wus();
    await run(policy, [0.5, 0.51, 0.515]);
    expect(policy.signals?.()['wus.delta']).toBeCloseTo(0.005, 10);
  });

  it('respects warmupEpochs: no window before that many epochs have completed', async () => {
    expect((await run(wus({ warmupEpochs: 4 }), plateau(9))).pattern).toBe('FFFFSFSFS');
    // 0 and 1 behave alike: Δ needs two evaluations, so epoch 2 is the earliest window anyway.
    expect((await run(wus({ warmupEpochs: 0 }), plateau(5))).pattern).toBe('FFSFS');
  });

  it('skips only when Δ < τ strictly (Δ == τ does not skip)', async () => {
    // Binary fractions keep Δ exact: Δ = .125, .125, .0625.
    const sim = await run(wus({ threshold: 0.125 }), [0.25, 0.375, 0.5, 0.5625, 0.6]);
    expect(sim.pattern).toBe('FFFFS');
    expect((await run(wus({ threshold: 0 }), plateau(6))).pattern).toBe('FFFFFF');
  });

  it('minFullEpochs: that many full epochs separate two windows', async () => {
    const sim = await run(wus({ minFullEpochs: 2 }), plateau(9));
    expect(sim.pattern).toBe('FFSFFSFFS');
    expect(windows(sim)).toEqual(['2:0/1', '5:1/2', '8:2/3']);
  });

  it('windowEpochs: multi-epoch windows; Δ after a window compares with the last full evaluation', async () => {
    const sim = await run(wus({ windowEpochs: 2 }), plateau(10));
    expect(sim.pattern).toBe('FFSSFSSFSS');
    expect(windows(sim)).toEqual(['2:0/1', '3:0/1', '5:1/2', '6:1/2', '8:2/3', '9:2/3']);
  });

  it('counts the streak of back-to-back windows and restarts it after a real change', async () => {
    const sim = await run(wus(), [0.5, 0.6, 0.6, 0, 0.6, 0, 0.7, 0.7, 0, 0.7]);
    expect(sim.pattern).toBe('FFFSFSFFSF');
    expect(windows(sim)).toEqual(['3:0/1', '5:1/2', '8:2/1']);
  });

  it('windowSteps: the window covers that many steps from the next epoch start, then full updates resume', async () => {
    const short = await run(wus({ windowSteps: 3 }), plateau(7), 4);
    expect(short.epochs.map((e) => e.stepPattern)).toEqual(['FFFF', 'FFFF', 'SSSF', 'FFFF', 'SSSF', 'FFFF', 'SSSF']);
    expect(short.pattern).toBe('FFMFMFM');
    expect(short.steps.filter((s) => s.skippedWeights).map((s) => s.plan.window)).toEqual([
      { index: 0, streak: 1 },
      { index: 0, streak: 1 },
      { index: 0, streak: 1 },
      { index: 1, streak: 2 },
      { index: 1, streak: 2 },
      { index: 1, streak: 2 },
      { index: 2, streak: 3 },
      { index: 2, streak: 3 },
      { index: 2, streak: 3 },
    ]);
    // Longer than an epoch: spills into the next one, whose evaluation is then ignored too.
    const long = await run(wus({ windowSteps: 6 }), plateau(7), 4);
    expect(long.epochs.map((e) => e.stepPattern)).toEqual(['FFFF', 'FFFF', 'SSSS', 'SSFF', 'FFFF', 'SSSS', 'SSFF']);
  });

  it('maxConsecutiveWindows: a refused window costs one extra full epoch, then a fresh streak starts', async () => {
    const sim = await run(wus({ maxConsecutiveWindows: 2 }), plateau(13));
    expect(sim.pattern).toBe('FFSFSFFSFSFFS');
    expect(windows(sim)).toEqual(['2:0/1', '4:1/2', '7:2/1', '9:3/2', '12:4/1']);
  });

  it('relative mode divides Δ by the previous value', async () => {
    // Δ = .005 absolute, .025 relative.
    expect((await run(wus({ threshold: 0.01 }), [0.1, 0.2, 0.205, 0.3])).pattern).toBe('FFFS');
    expect((await run(wus({ threshold: 0.01, mode: 'relative' }), [0.1, 0.2, 0.205, 0.3])).pattern).toBe('FFFF');
  });

  it('monitors any metric, e.g. val_loss', async () => {
    const policy = wus({ monitor: 'val_loss', threshold: 0.01 });
    const sim = await simulatePolicy(policy, {
      stepsPerEpoch: 1,
      accuracies: [0, 0, 0, 0],
      metrics: (epoch) => ({ val_loss: [1, 0.5, 0.495, 0.4][epoch]! }),
    });
    expect(sim.pattern).toBe('FFFS');
  });

  it('follows what really ran: a window a wrapper ran as full updates counts as a full epoch', async () => {
    const inner = wus();
    // Forces full updates until epoch 4, forwarding every event (what warmup does).
    const wrapper: SkipPolicy = {
      description: 'test-warmup',
      plan: (ctx: TrainingContext) => (ctx.epoch < 4 ? FULL_UPDATE : inner.plan(ctx)),
      onTrainBegin: (ctx) => inner.onTrainBegin?.(ctx),
      onEvaluation: (ctx, ev) => inner.onEvaluation?.(ctx, ev),
    };
    const sim = await run(wrapper, plateau(7));
    expect(sim.pattern).toBe('FFFFSFS');
    // Windows 0 and 1 (epochs 2, 3) never ran, so epoch 4 is a fresh plateau.
    expect(windows(sim)).toEqual(['4:2/1', '6:3/2']);
  });

  it('plan is a pure lookup, and state resets at train begin', async () => {
    const policy = wus();
    const first = await run(policy, plateau(5));
    const second = await run(policy, plateau(5));
    expect(second.pattern).toBe(first.pattern);
    expect(windows(second)).toEqual(windows(first));
    expect(first.steps[4]!.plan).toBe(first.steps[5]!.plan);
    expect(policy instanceof WusPolicy && policy.windows).toBe(2);
  });

  it('fails at the first evaluation with a clear error when the monitored metric is missing', async () => {
    const policy = wus({ monitor: 'val_top5' });
    await expect(run(policy, [0.5, 0.5])).rejects.toThrow(ConfigError);
    await expect(run(policy, [0.5, 0.5])).rejects.toThrow(
      /monitored metric "val_top5" is missing from the evaluation of epoch 1; available: loss, accuracy, val_loss, val_accuracy/,
    );
    const noValidation = simulatePolicy(wus(), {
      stepsPerEpoch: 1,
      accuracies: [0.5],
      metrics: (_e, acc) => ({ loss: 1 - acc, accuracy: acc }),
    });
    await expect(noValidation).rejects.toThrow(/val_\* metrics need a validation split/);
  });

  it('rejects bad options with a ConfigError naming each one', () => {
    expect(() => wus({ threshold: -0.1 })).toThrow(ConfigError);
    expect(() => wus({ threshold: -0.1 })).toThrow(/threshold/);
    expect(() => wus({ windowEpochs: 2, windowSteps: 10 })).toThrow(/windowSteps: set windowEpochs or windowSteps, not both/);
    expect(() => wus({ minFullEpochs: 0 })).toThrow(/minFullEpochs/);
    // Every bad option is named in the one error.
    expect(() => wus({ maxConsecutiveWindows: 0, mode: 'squared' })).toThrow(/mode: .*; maxConsecutiveWindows: /);
    expect(() => wus({ treshold: 0.01 })).toThrow(/treshold/);
  });

  it('is registered as "wus"; unknown names list the registered ones', () => {
    expect(registry().names('skip-policy')).toEqual(['wus']);
    expect(() => registry().createPolicy('wsu')).toThrow(PluginError);
    expect(() => registry().createPolicy('wsu')).toThrow(/registered: wus/);
  });
});
