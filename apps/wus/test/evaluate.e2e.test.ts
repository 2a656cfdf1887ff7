import { LocalRunStore } from '@wus/tracking';
import { describe, expect, it } from 'vitest';
import { wus } from './capture.js';

describe('wus evaluate: the saved model reproduces the logged test accuracy', () => {
  it.each([
    ['LeNet-5', ['--model', 'lenet5']],
    // BatchNorm: its moving statistics must be saved with the weights.
    ['VGG-11 (width 1/16)', ['--model', 'vgg11', '--model-option', 'widthMultiplier=0.0625', '--dataset-option', 'padTo=32']],
  ])('%s', async (_name, model) => {
    const trained = await wus(['train', '--limit', '512', '--epochs', '1', ...model]);
    expect(trained.code, trained.stderr).toBe(0);
    const store = new LocalRunStore(trained.storeRoot);
    const [run] = await store.listRuns({});
    const r = await wus(['evaluate', run!.runId.slice(0, 8), '--json'], trained.storeRoot);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { testAccuracy: number; loggedTestAccuracy: number; same: boolean };
    expect(result.testAccuracy).toBe(result.loggedTestAccuracy);
    expect(result.same).toBe(true);
    expect(result.testAccuracy).toBeGreaterThan(0.3);
  });

  it('refuses a study run, which holds no model (exit 2)', async () => {
    const c = await wus(['compare', '--limit', '256', '--epochs', '1', '-P', 'never']);
    expect(c.code, c.stderr).toBe(0);
    const store = new LocalRunStore(c.storeRoot);
    const study = (await store.listRuns({})).find((x) => x.parentRunId === null)!;
    const r = await wus(['evaluate', study.runId], c.storeRoot);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/has no saved model: it is a study run, or it did not finish; evaluate one of its trials/);
  });
});
