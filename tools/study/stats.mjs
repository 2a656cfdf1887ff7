// The study's arithmetic, from recorded runs (RunDetails of @wus/tracking): one trial against its
// baseline, mean ± std, the epoch budget's rule, the Pareto front. Pure functions.

/** How close to the baseline's final test accuracy "time to accuracy" asks for (as `wus compare`). */
export const TIME_TO_ACCURACY_MARGIN = 0.005;

/** Values of a per-epoch metric, by epoch (step 1 … n). */
export function series(run, key) {
  return (run.metrics[key] ?? []).map((p) => p.value);
}

/**
 * Training time (s, steps only) until the per-epoch test accuracy first reaches `target`, or
 * undefined. Epoch times are the training steps' (`epoch_train_time_s`); evaluation is untimed.
 */
export function timeToAccuracy(run, target) {
  const times = series(run, 'epoch_train_time_s');
  const acc = series(run, 'test_accuracy');
  let t = 0;
  for (let i = 0; i < times.length; i++) {
    t += times[i];
    if (acc[i] !== undefined && acc[i] >= target) return t;
  }
  return undefined;
}

/**
 * Time saved, load-normalised: 1 − the mean over epochs of the trial's epoch time / the
 * baseline's epoch time in the same interleaved round. On a machine whose load changes over a
 * run, total times weigh the rounds run under heavy load most; per-round ratios weigh each
 * epoch alike (percent; undefined when an epoch is missing).
 */
export function perRoundTimeSaved(run, base) {
  const t = series(run, 'epoch_train_time_s');
  const b = series(base, 'epoch_train_time_s');
  if (t.length === 0 || t.length !== b.length) return undefined;
  return 100 * (1 - t.reduce((s, x, i) => s + x / b[i], 0) / t.length);
}

/** A trial's numbers against the baseline of its own comparison. */
export function summarizeTrial(run, base) {
  const m = run.latestMetrics;
  const b = base.latestMetrics;
  const baseAcc = b['test_accuracy'];
  return {
    trainTimeS: m['train_time_s'],
    timeSavedPct: 100 * (1 - m['train_time_s'] / b['train_time_s']),
    perRoundTimeSavedPct: perRoundTimeSaved(run, base),
    computeSavedPct: 100 * (1 - m['gflops'] / b['gflops']),
    testAccuracy: m['test_accuracy'],
    deltaAccuracyPp: 100 * (m['test_accuracy'] - baseAcc),
    skippedPct: m['skipped_pct'] ?? 0,
    timeToAccuracyS: timeToAccuracy(run, baseAcc - TIME_TO_ACCURACY_MARGIN),
    valCurve: series(run, 'val_accuracy'),
  };
}

/** Mean and sample standard deviation (n − 1), or undefined for no values. */
export function stat(xs) {
  const v = xs.filter((x) => x !== undefined && !Number.isNaN(x));
  if (v.length === 0) return undefined;
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = v.length < 2 ? 0 : Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1));
  return { mean, std, n: v.length };
}

/**
 * The epoch budget rule: the first epoch e (1-based) after which the best validation accuracy so
 * far never again gains `minGain` or more per epoch — for every later epoch k,
 * (best(k) − best(e)) / (k − e) < minGain — judged on at least `atLeast` later epochs; undefined
 * when the curve still gains that fast near its end. Best-so-far, and the average over any later
 * span, because single epochs move by ±0.5 pp with a constant LR.
 */
export function budgetEpochs(valAccuracy, minGain = 0.001, atLeast = 2) {
  const best = [];
  for (const v of valAccuracy) best.push(Math.max(v, best[best.length - 1] ?? -Infinity));
  for (let e = 0; e + atLeast < best.length; e++) {
    if (best.every((b, k) => k <= e || (b - best[e]) / (k - e) < minGain)) return e + 1;
  }
  return undefined;
}

/**
 * Settings (by title) on the Pareto front of (time saved ↑, Δ accuracy ↑): none other is at
 * least as good on both and better on one. Several seeds of a setting: their means.
 */
export function paretoFront(points) {
  const by = new Map();
  for (const p of points) by.set(p.title, [...(by.get(p.title) ?? []), p]);
  const means = [...by].map(([title, ps]) => ({ title, saved: stat(ps.map((p) => p.timeSavedPct)).mean, delta: stat(ps.map((p) => p.deltaAccuracyPp)).mean }));
  const dominated = (a) => means.some((b) => b !== a && b.saved >= a.saved && b.delta >= a.delta && (b.saved > a.saved || b.delta > a.delta));
  return new Set(means.filter((a) => !dominated(a)).map((a) => a.title));
}
