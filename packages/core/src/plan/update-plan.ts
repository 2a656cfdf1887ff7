import { PARAMETER_GROUPS, type Parameter, type ParameterGroup } from '../params/parameter.js';

/**
 * What one training step updates. A parameter is updated when its group is listed, its depth is
 * at least `freezeBelowDepth` and its layer is not in `freezeLayers`; every other parameter is
 * frozen for the step, and the trainer does not compute its gradient — nor any input gradient
 * below the lowest updated parameter (truncated backprop).
 */
export interface UpdatePlan {
  readonly groups: readonly ParameterGroup[];
  /** Freeze every parameter of depth < this (the front of the network). Default 0: none. */
  readonly freezeBelowDepth?: number;
  /** Freeze these layers (names from `ModelStructure.layers`) entirely. */
  readonly freezeLayers?: readonly string[];
  /** Learning-rate multiplier per group (default 1), applied on top of the LR schedule. */
  readonly lrScale?: Partial<Record<ParameterGroup, number>>;
  /** Learning-rate multiplier per layer (default 1), multiplied with the group's. */
  readonly layerLrScale?: Readonly<Record<string, number>>;
  /**
   * Set while the step belongs to a skip window: `index` counts windows from 0, `streak` is how
   * many windows in a row led to this one, 1 for a fresh plateau. Wrappers such as WUS+LR read
   * it: a plan is the one value every wrapper already receives from its inner policy, so the
   * signal needs no second channel (core README, "Decisions").
   */
  readonly window?: { readonly index: number; readonly streak: number };
}

export const FULL_UPDATE: UpdatePlan = Object.freeze({ groups: Object.freeze([...PARAMETER_GROUPS]) });

/** The WUS skip: only additive terms move (biases and BatchNorm shifts). */
export const SKIP_WEIGHTS_GROUPS: readonly ParameterGroup[] = Object.freeze(['bias', 'norm-shift'] as const);

export function skipWeights(window?: UpdatePlan['window']): UpdatePlan {
  return window === undefined ? { groups: SKIP_WEIGHTS_GROUPS } : { groups: SKIP_WEIGHTS_GROUPS, window };
}

/**
 * A step "skips weights" when it freezes weights: the weight group is off, or a front or some
 * layers are frozen. This is what the skipped fraction counts.
 */
export function skipsWeights(plan: UpdatePlan): boolean {
  return !plan.groups.includes('weight') || (plan.freezeBelowDepth ?? 0) > 0 || (plan.freezeLayers?.length ?? 0) > 0;
}

/** Whether `plan` updates `param`. */
export function updates(plan: UpdatePlan, param: Parameter): boolean {
  return plan.groups.includes(param.group) && param.depth >= (plan.freezeBelowDepth ?? 0) && !(plan.freezeLayers ?? []).includes(param.layer);
}

export function lrScaleOf(plan: UpdatePlan, group: ParameterGroup, layer?: string): number {
  return (plan.lrScale?.[group] ?? 1) * (layer === undefined ? 1 : (plan.layerLrScale?.[layer] ?? 1));
}

/**
 * The one learning-rate formula: base LR × schedule factor × the plan's multiplier for the
 * parameter's group and layer. The trainer and the policy simulator both use it.
 */
export function learningRate(baseLr: number, scheduleFactor: number, plan: UpdatePlan, group: ParameterGroup, layer?: string): number {
  return baseLr * scheduleFactor * lrScaleOf(plan, group, layer);
}

/** The group whose LR a step record reports: `weight`, or the plan's first group when weights are frozen. */
export function reportedGroup(plan: UpdatePlan, skippedWeights: boolean): ParameterGroup {
  return skippedWeights ? (plan.groups[0] ?? 'weight') : 'weight';
}

/** A copy of `plan` with every group's LR multiplied by `factor`. */
export function scaleLr(plan: UpdatePlan, factor: number): UpdatePlan {
  if (factor === 1) return plan;
  const lrScale: Partial<Record<ParameterGroup, number>> = {};
  for (const g of plan.groups) lrScale[g] = lrScaleOf(plan, g) * factor;
  return { ...plan, lrScale };
}

/** Identity of a plan for caching and validation: everything but the window marker. */
export function planKey(plan: UpdatePlan): string {
  return JSON.stringify([
    [...plan.groups].sort(),
    plan.freezeBelowDepth ?? 0,
    [...(plan.freezeLayers ?? [])].sort(),
    plan.lrScale ?? {},
    plan.layerLrScale ?? {},
  ]);
}

/** Short human-readable form for logs: `full`, `update bias+norm-shift`, `frozen depth<3, update all`, … */
export function describePlan(plan: UpdatePlan): string {
  const groups = PARAMETER_GROUPS.every((g) => plan.groups.includes(g)) ? 'all' : plan.groups.join('+') || 'none';
  const parts: string[] = [];
  if ((plan.freezeBelowDepth ?? 0) > 0) parts.push(`frozen depth<${plan.freezeBelowDepth}`);
  if ((plan.freezeLayers?.length ?? 0) > 0) parts.push(`frozen ${plan.freezeLayers!.join('+')}`);
  if (parts.length === 0 && groups === 'all') return 'full';
  return [...parts, `update ${groups}`].join(', ');
}
