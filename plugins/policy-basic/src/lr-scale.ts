import { FULL_UPDATE, lrScaleOf, scaleLr, type UpdatePlan } from '@wus/core';

/**
 * The single LR multiplier shared by every group of `plan`, or undefined when groups differ.
 * `scaleLr` (what WUS+LR uses) always produces a uniform multiplier.
 */
export function uniformLrScale(plan: UpdatePlan): number | undefined {
  const first = plan.groups[0];
  if (first === undefined) return 1;
  const f = lrScaleOf(plan, first);
  return plan.groups.every((g) => lrScaleOf(plan, g) === f) ? f : undefined;
}

/**
 * FULL_UPDATE replacing a skip plan a wrapper refuses to run. A uniform LR multiplier chosen
 * by the inner policy is kept (an LR decision is not a skip decision); a per-group one cannot
 * be carried to groups the plan did not name, so it is dropped. The window marker is dropped:
 * the step is not part of a skip window any more.
 */
export function fullUpdateKeepingLr(plan: UpdatePlan): UpdatePlan {
  return scaleLr(FULL_UPDATE, uniformLrScale(plan) ?? 1);
}
