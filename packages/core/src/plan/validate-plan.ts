import { ConfigError } from '../errors/errors.js';
import type { ModelStructure } from '../model/structure.js';
import { PARAMETER_GROUPS } from '../params/parameter.js';
import type { UpdatePlan } from './update-plan.js';

/**
 * Checks a plan against the model it will run on; the trainer calls it the first time each
 * distinct plan appears. A plan that names nothing real is an error, never a silent no-op.
 */
export function validatePlan(plan: UpdatePlan, structure: ModelStructure, policy: string): void {
  const fail = (what: string) => {
    throw new ConfigError(`policy "${policy}" returned an invalid plan: ${what}`);
  };
  if (plan === null || typeof plan !== 'object' || !Array.isArray(plan.groups)) fail(`expected { groups: [...] }, got ${JSON.stringify(plan)}`);
  const known = new Set<string>(PARAMETER_GROUPS);
  for (const g of plan.groups) if (!known.has(g)) fail(`unknown parameter group "${String(g)}"; groups are ${PARAMETER_GROUPS.join(', ')}`);
  const maxDepth = structure.layers.length;
  const d = plan.freezeBelowDepth;
  if (d !== undefined && !(Number.isInteger(d) && d >= 0 && d <= maxDepth)) {
    fail(`freezeBelowDepth ${d} is outside the model's depths 0…${maxDepth} (${structure.name} has ${maxDepth} parameterised layers)`);
  }
  const layers = new Set(structure.layers.map((l) => l.name));
  const unknownLayer = (name: string) => `unknown layer "${name}"; ${structure.name}'s layers: ${[...layers].join(', ')}`;
  for (const l of plan.freezeLayers ?? []) if (!layers.has(l)) fail(unknownLayer(l));
  for (const [l, s] of Object.entries(plan.layerLrScale ?? {})) {
    if (!layers.has(l)) fail(unknownLayer(l));
    if (!(Number.isFinite(s) && s >= 0)) fail(`layerLrScale of ${l} must be a finite number ≥ 0, got ${s}`);
  }
  for (const [g, s] of Object.entries(plan.lrScale ?? {})) {
    if (!known.has(g)) fail(`lrScale names unknown group "${g}"`);
    if (!(Number.isFinite(s) && (s as number) >= 0)) fail(`lrScale of ${g} must be a finite number ≥ 0, got ${s}`);
  }
}
