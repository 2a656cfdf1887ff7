import { describe, expect, it } from 'vitest';
import { wus } from './capture.js';

describe('wus plugins', () => {
  it('lists every plugin by kind', async () => {
    const r = await wus(['plugins']);
    expect(r.code).toBe(0);
    for (const name of ['never', 'wus', 'wus-lr', 'progressive-freeze', 'cosine', 'early-stopping', 'lenet5', 'fashion-mnist']) expect(r.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it("NAME shows the plugin's options with type, default and meaning, read from its schema", async () => {
    const r = await wus(['plugins', 'wus']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wus \(skip-policy\): /);
    expect(r.stdout).toMatch(/^ {2}threshold +number \(≥ 0\) +0\.002 +τ: a window starts when Δ < τ/m);
    expect(r.stdout).toMatch(/^ {2}windowRule +"fixed" \| "plateau" +"fixed" +fixed: /m);
    const model = await wus(['plugins', 'vgg11']);
    // Options the app sets itself (input shape, classes, seed) are not listed.
    expect(model.stdout).toMatch(/^ {2}widthMultiplier +number \(> 0, ≤ 16\) +1 +scales every layer width/m);
    expect(model.stdout).not.toMatch(/inputShape|numClasses/);
    expect((await wus(['plugins', 'early-stopping'])).stdout).toMatch(/^ {2}restoreBestWeights +boolean +false /m);
  });

  it('an unknown NAME is one clear line, exit 2', async () => {
    const r = await wus(['plugins', 'wuss']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('wus: error: no plugin named "wuss"; did you mean "wus"? (`wus plugins` lists them all)\n');
    // Nothing close: the registered names instead.
    const far = await wus(['plugins', 'xyzzy']);
    expect([far.code, far.stderr]).toEqual([2, expect.stringMatching(/^wus: error: no plugin named "xyzzy"; registered: alexnet, .*, wus-lr\n$/)]);
  });
});

describe('-o reaches LR schedules too', () => {
  it('a schedule option is validated by the schedule (exit 2 before training), and applied when valid', async () => {
    const bad = await wus(['train', '--limit', '256', '--epochs', '2', '--lr-schedule', 'cosine', '-o', 'cosine.minFactor=2']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/plugin "cosine": invalid options for lr-scheduler "cosine": minFactor/);
    const ok = await wus(['train', '--limit', '256', '--epochs', '2', '--lr-schedule', 'cosine', '-o', 'cosine.warmupEpochs=1', '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    // Linear warm-up over epoch 1: its last step runs at the full LR, epoch 2 decays from there.
    const { epochs } = JSON.parse(ok.stdout) as { epochs: { lr: number }[] };
    expect(epochs[0]!.lr).toBeCloseTo(0.05, 10);
    expect(epochs[1]!.lr).toBeLessThan(0.05);
  });
});
