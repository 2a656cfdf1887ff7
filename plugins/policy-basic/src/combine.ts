import {
  pluginSpecSchema,
  PARAMETER_GROUPS,
  PolicyWrapper,
  lrScaleOf,
  parseOptions,
  skipsWeights,
  type ParameterGroup,
  type SkipPolicy,
  type SkipPolicyPlugin,
  type TrainingContext,
  type UpdatePlan,
} from '@wus/core';
import { z } from 'zod';

export const combineOptionsSchema = z.strictObject({
  policies: z.array(pluginSpecSchema).min(1).describe('inner policies (at least one), asked in order'),
});
export type CombineOptions = z.output<typeof combineOptionsSchema>;

export type CombineRule = 'any' | 'all';

/**
 * Merges the plans of several inner policies group by group.
 *
 * - `all` freezes a group only when EVERY inner plan freezes it: updated groups are the union.
 *   Hence it skips weights only when all inner plans skip weights.
 * - `any` freezes a group when ANY inner plan freezes it: updated groups are the intersection.
 *   Hence it skips weights as soon as one inner plan skips weights.
 *
 * Groups keep the canonical order of PARAMETER_GROUPS. The LR multiplier of an updated group is
 * the smallest multiplier given to it by the inner plans that update it (the cautious choice);
 * it is omitted when that is 1 for every group. When the result skips weights it carries the
 * `window` of the first inner plan (in `policies` order) that skips weights and has one.
 * Every inner policy is asked for its plan at every step, so stateful inner policies stay in step.
 */
export abstract class CombinePolicy extends PolicyWrapper {
  abstract readonly rule: CombineRule;

  plan(ctx: TrainingContext): UpdatePlan {
    return combinePlans(
      this.rule,
      this.inner.map((p) => p.plan(ctx)),
    );
  }
}

export class AnyPolicy extends CombinePolicy {
  readonly rule = 'any';
  readonly description: string;
  constructor(inner: readonly SkipPolicy[]) {
    super(inner);
    this.description = `any(${inner.map((p) => p.description).join(',')})`;
  }
}

export class AllPolicy extends CombinePolicy {
  readonly rule = 'all';
  readonly description: string;
  constructor(inner: readonly SkipPolicy[]) {
    super(inner);
    this.description = `all(${inner.map((p) => p.description).join(',')})`;
  }
}

/** The merge rule of `any`/`all`, exported for direct testing. `plans` must not be empty. */
export function combinePlans(rule: CombineRule, plans: readonly UpdatePlan[]): UpdatePlan {
  const updatedBy = (g: ParameterGroup): UpdatePlan[] => plans.filter((p) => p.groups.includes(g));
  const groups = PARAMETER_GROUPS.filter((g) => {
    const n = updatedBy(g).length;
    return rule === 'all' ? n > 0 : n === plans.length;
  });

  const lrScale: Partial<Record<ParameterGroup, number>> = {};
  let scaled = false;
  for (const g of groups) {
    const f = Math.min(...updatedBy(g).map((p) => lrScaleOf(p, g)));
    lrScale[g] = f;
    if (f !== 1) scaled = true;
  }

  const result: { groups: readonly ParameterGroup[]; lrScale?: typeof lrScale; window?: UpdatePlan['window'] } = {
    groups,
  };
  if (scaled) result.lrScale = lrScale;
  if (!groups.includes('weight')) {
    const window = plans.find((p) => skipsWeights(p) && p.window !== undefined)?.window;
    if (window !== undefined) result.window = window;
  }
  return result;
}

function combinePlugin(rule: CombineRule): SkipPolicyPlugin {
  return {
    kind: 'skip-policy',
    name: rule,
    options: combineOptionsSchema,
    description:
      rule === 'any'
        ? 'skips weights when any inner policy does; updates only groups every inner policy updates (option: policies)'
        : 'skips weights only when all inner policies do; updates groups any inner policy updates (option: policies)',
    create(options, { registry }) {
      const o = parseOptions(`skip-policy "${rule}"`, combineOptionsSchema, options);
      const inner = o.policies.map((spec) => registry.createPolicy(spec));
      return rule === 'any' ? new AnyPolicy(inner) : new AllPolicy(inner);
    },
  };
}

export const anyPlugin: SkipPolicyPlugin = combinePlugin('any');
export const allPlugin: SkipPolicyPlugin = combinePlugin('all');
