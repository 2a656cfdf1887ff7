import { permutation } from '@wus/core';

export interface HoldOutOptions {
  /** Share of samples held out for validation, in [0, 1). */
  readonly fraction: number;
  readonly seed: number;
  /**
   * Hold out the same share of every class (default), so a small validation set still mirrors
   * the class balance; false draws uniformly at random.
   */
  readonly stratified?: boolean;
}

/** Indices into the original samples, each ascending so the stored order survives the split. */
export interface HoldOut {
  readonly train: Uint32Array;
  readonly validation: Uint32Array;
}

/**
 * Splits `labels.length` samples into train and validation, `round(n × fraction)` of them held
 * out. Deterministic for a seed.
 */
export function holdOut(labels: ArrayLike<number>, numClasses: number, options: HoldOutOptions): HoldOut {
  const { fraction, seed, stratified = true } = options;
  if (!(fraction >= 0 && fraction < 1)) throw new RangeError(`validation fraction must be in [0, 1), got ${fraction}`);
  const n = labels.length;
  const total = Math.round(n * fraction);
  const order = permutation(n, seed);
  const held = new Uint8Array(n);

  if (stratified) {
    const quota = classQuotas(labels, numClasses, fraction, total);
    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      const c = labels[i]!;
      if (quota[c]! > 0) {
        quota[c]!--;
        held[i] = 1;
      }
    }
  } else {
    for (let k = 0; k < total; k++) held[order[k]!] = 1;
  }

  const train = new Uint32Array(n - total);
  const validation = new Uint32Array(total);
  for (let i = 0, t = 0, v = 0; i < n; i++) {
    if (held[i] === 1) validation[v++] = i;
    else train[t++] = i;
  }
  return { train, validation };
}

/** Per-class hold-out counts summing exactly to `total` (largest-remainder rounding). */
function classQuotas(labels: ArrayLike<number>, numClasses: number, fraction: number, total: number): Int32Array {
  const counts = new Float64Array(numClasses);
  for (let i = 0; i < labels.length; i++) counts[labels[i]!]!++;
  const quota = new Int32Array(numClasses);
  let assigned = 0;
  for (let c = 0; c < numClasses; c++) {
    quota[c] = Math.floor(counts[c]! * fraction);
    assigned += quota[c]!;
  }
  const byRemainder = Array.from({ length: numClasses }, (_, c) => c).sort(
    (a, b) => counts[b]! * fraction - quota[b]! - (counts[a]! * fraction - quota[a]!) || a - b,
  );
  for (let k = 0; assigned < total && k < numClasses; k++) {
    const c = byRemainder[k]!;
    if (quota[c]! < counts[c]!) {
      quota[c]!++;
      assigned++;
    }
  }
  return quota;
}
