/** A trial as the results see it: the two things a sweep trades off. */
export interface TradeOff {
  readonly timeSavedPct: number;
  readonly deltaAccuracyPp: number;
}

/**
 * Indices of the trials no other trial beats on both counts (more time saved and no less
 * accuracy, or the reverse): the best front. Trials with a non-finite value are never on it.
 */
export function paretoFront(points: readonly TradeOff[]): Set<number> {
  const ok = (p: TradeOff) => Number.isFinite(p.timeSavedPct) && Number.isFinite(p.deltaAccuracyPp);
  const dominates = (a: TradeOff, b: TradeOff) =>
    a.timeSavedPct >= b.timeSavedPct && a.deltaAccuracyPp >= b.deltaAccuracyPp && (a.timeSavedPct > b.timeSavedPct || a.deltaAccuracyPp > b.deltaAccuracyPp);
  const front = new Set<number>();
  points.forEach((p, i) => {
    if (ok(p) && !points.some((q, j) => j !== i && ok(q) && dominates(q, p))) front.add(i);
  });
  return front;
}
