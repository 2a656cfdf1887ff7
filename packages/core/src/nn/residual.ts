import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors/errors.js';
import { relu } from './activations.js';
import { batchNorm } from './batch-norm.js';
import { conv2d } from './conv2d.js';
import type { ForwardOptions, Layer, LayerSpec } from './layer.js';

export interface ResidualOptions {
  /** The main path, e.g. conv → BN → ReLU → conv → BN. */
  readonly body: readonly LayerSpec[];
  /** The shortcut path; empty or omitted = identity. */
  readonly shortcut?: readonly LayerSpec[];
  /** Applied to `body(x) + shortcut(x)`, e.g. a ReLU. */
  readonly after?: readonly LayerSpec[];
  /** Base of the generated name (default `residual`). */
  readonly type?: string;
}

/**
 * A composite layer `after(body(x) + shortcut(x))`. Its parts are built through
 * `ctx.sublayer` — body first, then shortcut, then `after` — so each parameterised part gets
 * its own consecutive depth and a name such as `residual_1/conv2d_2` or
 * `residual_1/shortcut/conv2d_1`. Every op stays unfused: a bias-only step computes no
 * filter gradient in the body or the shortcut.
 */
export function residual(options: ResidualOptions): LayerSpec {
  const parameterised = [...options.body, ...(options.shortcut ?? []), ...(options.after ?? [])].some((s) => s.parameterised);
  return {
    type: options.type ?? 'residual',
    parameterised,
    composite: true,
    build(ctx) {
      const chain = (specs: readonly LayerSpec[], scope?: string): Layer[] => {
        const layers: Layer[] = [];
        let shape = ctx.inputShape;
        for (const spec of specs) {
          const layer = ctx.sublayer(spec, shape, scope);
          layers.push(layer);
          shape = layer.outputShape;
        }
        return layers;
      };
      const body = chain(options.body);
      const shortcut = chain(options.shortcut ?? [], 'shortcut');
      const bodyShape = body.at(-1)?.outputShape ?? ctx.inputShape;
      const shortcutShape = shortcut.at(-1)?.outputShape ?? ctx.inputShape;
      if (bodyShape.join(',') !== shortcutShape.join(',')) {
        throw new ConfigError(
          `${ctx.name}: the body outputs [${bodyShape.join(', ')}] but the shortcut [${shortcutShape.join(', ')}]; ` +
            'add a projection (e.g. a strided 1×1 convolution) to the shortcut',
        );
      }
      const after: Layer[] = [];
      let shape = bodyShape;
      for (const spec of options.after ?? []) {
        const layer = ctx.sublayer(spec, shape);
        after.push(layer);
        shape = layer.outputShape;
      }
      const run = (layers: readonly Layer[], x: tf.Tensor, training: boolean, forward?: ForwardOptions) =>
        layers.reduce((y, l) => l.apply(y, training, forward), x);
      const all = [...body, ...shortcut, ...after];
      return {
        name: ctx.name,
        parameters: all.flatMap((l) => l.parameters),
        state: all.flatMap((l) => l.state),
        outputShape: shape,
        kernels: [...new Set([...all.flatMap((l) => l.kernels), 'Add'])],
        sublayers: all,
        config: { op: 'residual', body, shortcut, after },
        apply: (x, training, forward) => run(after, tf.add(run(body, x, training, forward), run(shortcut, x, training, forward)), training, forward),
      };
    },
  };
}

export interface BasicBlockOptions {
  readonly filters: number;
  /** Stride of the first convolution (and of the projection), default 1. */
  readonly strides?: number;
  /** Moving-statistics momentum of the block's batch norms. */
  readonly bnMomentum?: number;
}

/**
 * ResNet's basic block (He et al. 2016, as in kuangliu/pytorch-cifar): 3×3 conv (stride s) →
 * BN → ReLU → 3×3 conv → BN, plus the shortcut, then ReLU. The shortcut is the identity, or a
 * projection (1×1 conv, stride s → BN) when the stride or the channel count changes. Convs have
 * no bias (the BN shift plays that role), so in a bias-only step only the BN shifts move.
 */
export function basicBlock(options: BasicBlockOptions): LayerSpec {
  const strides = options.strides ?? 1;
  const bn = () => batchNorm(options.bnMomentum === undefined ? {} : { momentum: options.bnMomentum });
  const conv = (kernelSize: number, s: number, padding: number) =>
    conv2d({ filters: options.filters, kernelSize, strides: s, padding, useBias: false });
  const body = [conv(3, strides, 1), bn(), relu(), conv(3, 1, 1), bn()];
  const projection = [conv(1, strides, 0), bn()];
  return {
    type: 'basic_block',
    parameterised: true,
    composite: true,
    build(ctx) {
      const channels = ctx.inputShape[ctx.inputShape.length - 1];
      const project = strides !== 1 || channels !== options.filters;
      return residual({ type: 'basic_block', body, shortcut: project ? projection : [], after: [relu()] }).build(ctx);
    },
  };
}
