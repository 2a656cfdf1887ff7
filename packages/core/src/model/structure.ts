import type { Layer } from '../nn/layer.js';
import type { Parameter, ParameterGroup } from '../params/parameter.js';

/** One trainable parameter as a policy sees it: no tensor, only what it is. */
export interface ParameterInfo {
  readonly name: string;
  readonly group: ParameterGroup;
  readonly shape: readonly number[];
  readonly size: number;
}

/** A parameterised leaf layer (a ResNet block's convolutions appear one by one). */
export interface LayerInfo {
  readonly name: string;
  /** `conv2d`, `dense`, `batch_norm`, …; `unknown` for models not built from `nn` layers. */
  readonly kind: string;
  /** Index among parameterised layers, in forward order; what `freezeBelowDepth` counts. */
  readonly depth: number;
  readonly groups: readonly ParameterGroup[];
  readonly parameters: readonly ParameterInfo[];
  /** Forward FLOPs per example (convolutions and matrix products; 0 for normalisation). */
  readonly flops: number;
}

/**
 * The model as policies see it at train begin: read-only, no tensors. Layer-wise policies
 * weigh what they freeze by `flops` and name it by `depth` or `name`.
 */
export interface ModelStructure {
  readonly name: string;
  /** Parameterised leaf layers in forward (= depth) order. */
  readonly layers: readonly LayerInfo[];
  /** Sum of the layers' forward FLOPs per example. */
  readonly flops: number;
}

/** Leaf layers of a layer tree, in build (= forward) order. */
export function leafLayers(layers: readonly Layer[]): Layer[] {
  return layers.flatMap((l) => (l.sublayers === undefined ? [l] : leafLayers(l.sublayers)));
}

/**
 * The structure of a model's parameters. `layers` (when the model exposes its `nn` layers)
 * supplies kinds and costs; otherwise layers are inferred from the parameters alone.
 */
export function describeStructure(name: string, parameters: readonly Parameter[], layers?: readonly Layer[]): ModelStructure {
  const leaves = new Map((layers === undefined ? [] : leafLayers(layers)).map((l) => [l.name, l]));
  const byLayer = new Map<string, Parameter[]>();
  for (const p of parameters) byLayer.set(p.layer, [...(byLayer.get(p.layer) ?? []), p]);
  const infos: LayerInfo[] = [...byLayer.entries()].map(([layer, params]) => {
    const leaf = leaves.get(layer);
    return {
      name: layer,
      kind: leaf?.kind ?? 'unknown',
      depth: params[0]!.depth,
      groups: [...new Set(params.map((p) => p.group))],
      parameters: params.map((p) => ({ name: p.name, group: p.group, shape: [...p.variable.shape], size: p.variable.size })),
      flops: leaf?.flops ?? 0,
    };
  });
  infos.sort((a, b) => a.depth - b.depth);
  return { name, layers: infos, flops: infos.reduce((s, l) => s + l.flops, 0) };
}

/**
 * The depth below which the front layers hold at most `share` of the forward cost: freezing
 * `depth < d` then freezes that share. 0 when even the first layer costs more.
 */
export function depthForCostShare(structure: ModelStructure, share: number): number {
  let cost = 0;
  let depth = 0;
  for (const l of structure.layers) {
    cost += l.flops;
    if (cost > share * structure.flops + 1e-9 * structure.flops) break;
    depth = l.depth + 1;
  }
  return depth;
}
