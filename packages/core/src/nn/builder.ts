import { deriveSeed } from '../random/random.js';
import type { BuildContext, Layer, LayerSpec } from './layer.js';

/**
 * Builds layers and their parts with one depth counter and unique names: every leaf layer that
 * owns parameters gets the next depth, whether it sits at the top of a model or inside a
 * composite, so parameters of a ResNet block's convolutions get consecutive depths.
 */
export class LayerBuilder {
  private nextDepth = 0;

  /** @param seed the model seed; a layer's init seed is `deriveSeed(seed, 'init', depth)`. */
  constructor(private readonly seed: number) {}

  /** Depths handed out so far = number of parameterised leaf layers built. */
  get depthsUsed(): number {
    return this.nextDepth;
  }

  /** A fresh naming scope: `<prefix><type>_<n>`, numbered per type in build order. */
  scope(prefix = ''): (spec: LayerSpec, inputShape: readonly number[]) => Layer {
    const counters = new Map<string, number>();
    return (spec, inputShape) => {
      const n = (counters.get(spec.type) ?? 0) + 1;
      counters.set(spec.type, n);
      return this.build(spec, inputShape, `${prefix}${spec.type}_${n}`);
    };
  }

  private build(spec: LayerSpec, inputShape: readonly number[], name: string): Layer {
    const depth = this.nextDepth;
    if (spec.parameterised && spec.composite !== true) this.nextDepth++;
    const scopes = new Map<string, (s: LayerSpec, shape: readonly number[]) => Layer>();
    const ctx: BuildContext = {
      inputShape,
      name,
      depth,
      seed: deriveSeed(this.seed, 'init', depth),
      sublayer: (child, shape, scope) => {
        const prefix = scope === undefined || scope === '' ? `${name}/` : `${name}/${scope}/`;
        let build = scopes.get(prefix);
        if (build === undefined) {
          build = this.scope(prefix);
          scopes.set(prefix, build);
        }
        return build(child, shape);
      },
    };
    return { ...spec.build(ctx), kind: spec.type };
  }
}
