import type { ParameterGroup } from '../params/parameter.js';

/**
 * What one training step updates. Groups not listed are frozen for the step: the trainer does
 * not even compute their gradients.
 */
export interface UpdatePlan {
  readonly groups: readonly ParameterGroup[];
  /** Learning-rate multiplier per group (default 1), applied on top of the LR schedule. */
  readonly lrScale?: Partial<Record<ParameterGroup, number>>;
  /**
   * Set while the step belongs to a skip window: `index` counts windows from 0, `streak` is how
   * many windows in a row (separated only by the mandatory full epochs) led to this one, 1 for a
   * fresh plateau. Wrappers such as WUS+LR share this signal.
   */
  readonly window?: { readonly index: number; readonly streak: number };
}

export const FULL_UPDATE: UpdatePlan = Object.freeze({ groups: Object.freeze(['weight', 'bias', 'norm-scale', 'norm-shift'] as const) });

/** The WUS skip: only additive terms move (biases and BatchNorm shifts). */
export const SKIP_WEIGHTS_GROUPS: readonly ParameterGroup[] = Object.freeze(['bias', 'norm-shift'] as const);

export function skipWeights(window?: UpdatePlan['window']): UpdatePlan {
  return window === undefined ? { groups: SKIP_WEIGHTS_GROUPS } : { groups: SKIP_WEIGHTS_GROUPS, window };
}

/** A step "skips weights" when the weight group is frozen; this is what the skipped fraction counts. */
export function skipsWeights(plan: UpdatePlan): boolean {
  return !plan.groups.includes('weight');
}

export function lrScaleOf(plan: UpdatePlan, group: ParameterGroup): number {
  return plan.lrScale?.[group] ?? 1;
}

/** A copy of `plan` with every group's LR multiplied by `factor`. */
export function scaleLr(plan: UpdatePlan, factor: number): UpdatePlan {
  if (factor === 1) return plan;
  const lrScale: Partial<Record<ParameterGroup, number>> = {};
  for (const g of plan.groups) lrScale[g] = lrScaleOf(plan, g) * factor;
  return { ...plan, lrScale };
}
