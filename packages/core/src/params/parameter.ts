import type * as tf from '@tensorflow/tfjs-core';

/**
 * What a trainable variable is, decided once when the layer creates it. Policies speak in
 * these groups, never in variable names.
 */
export type ParameterGroup = 'weight' | 'bias' | 'norm-scale' | 'norm-shift';

export const PARAMETER_GROUPS: readonly ParameterGroup[] = ['weight', 'bias', 'norm-scale', 'norm-shift'];

export interface Parameter {
  /** Unique, stable name (`<layer>/<role>`), also the optimizer-state key. */
  readonly name: string;
  readonly group: ParameterGroup;
  /** Name of the layer that owns it. */
  readonly layer: string;
  /** 0-based position of the owning layer among the model's parameterised layers. */
  readonly depth: number;
  readonly variable: tf.Variable;
}

/** Number of scalar values per group, e.g. for the "what fraction of the model is frozen" report. */
export function countByGroup(params: readonly Parameter[]): Record<ParameterGroup, number> {
  const counts: Record<ParameterGroup, number> = { weight: 0, bias: 0, 'norm-scale': 0, 'norm-shift': 0 };
  for (const p of params) counts[p.group] += p.variable.size;
  return counts;
}
