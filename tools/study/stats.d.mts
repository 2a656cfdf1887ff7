// Types of stats.mjs, for the TypeScript tests that check its arithmetic.
import type { RunDetails } from '@wus/tracking';

export declare const TIME_TO_ACCURACY_MARGIN: number;
export declare function series(run: RunDetails, key: string): number[];
export declare function timeToAccuracy(run: RunDetails, target: number): number | undefined;
export declare function summarizeTrial(
  run: RunDetails,
  base: RunDetails,
): { trainTimeS: number; timeSavedPct: number; computeSavedPct: number; testAccuracy: number; deltaAccuracyPp: number; skippedPct: number; timeToAccuracyS: number | undefined; valCurve: number[] };
export declare function stat(xs: readonly (number | undefined)[]): { mean: number; std: number; n: number } | undefined;
export declare function budgetEpochs(valAccuracy: readonly number[], minGain?: number, window?: number): number | undefined;
export declare function paretoFront(points: readonly { title: string; timeSavedPct: number; deltaAccuracyPp: number }[]): Set<string>;
