import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Model, nn } from '@wus/core';
import { ExportError } from '../errors.js';
import { layersPadding } from './padding.js';

type Config<Op extends nn.LayerOp> = nn.LayerConfig & { readonly op: Op };
type Converter<Op extends nn.LayerOp> = (name: string, config: Config<Op>, x: tfl.SymbolicTensor) => tfl.SymbolicTensor;

/** Applies a tfjs-layers layer to `x` (which creates its variables), then gives it our values. */
function withWeights(layer: tfl.layers.Layer, x: tfl.SymbolicTensor, weights: readonly (tf.Tensor | undefined)[]): tfl.SymbolicTensor {
  const y = layer.apply(x) as tfl.SymbolicTensor;
  layer.setWeights(weights.filter((w): w is tf.Tensor => w !== undefined));
  return y;
}

const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]) => layer.apply(x) as tfl.SymbolicTensor;

/**
 * One tfjs-layers counterpart per operation of core's layers. Layers keep our names; the weights
 * start as zeros (no random initialisation is wasted) and are replaced by ours.
 */
const CONVERTERS: { readonly [Op in nn.LayerOp]: Converter<Op> } = {
  dense: (name, c, x) =>
    withWeights(tfl.layers.dense({ name, units: c.units, useBias: c.bias !== undefined, kernelInitializer: 'zeros' }), x, [c.kernel, c.bias]),
  conv2d: (name, c, x) => {
    const [, h, w] = x.shape as [null, number, number, number];
    const { padding, zeroPad } = layersPadding(c.padding, [h, w], c.kernelSize, c.strides, c.dilation);
    const input = zeroPad > 0 ? apply(tfl.layers.zeroPadding2d({ name: `${name}_pad`, padding: zeroPad }), x) : x;
    const conv = tfl.layers.conv2d({
      name,
      filters: c.filters,
      kernelSize: c.kernelSize,
      strides: c.strides,
      padding,
      dilationRate: c.dilation,
      useBias: c.bias !== undefined,
      kernelInitializer: 'zeros',
    });
    return withWeights(conv, input, [c.kernel, c.bias]);
  },
  batch_norm: (name, c, x) =>
    withWeights(tfl.layers.batchNormalization({ name, axis: -1, momentum: c.momentum, epsilon: c.epsilon }), x, [
      c.gamma,
      c.beta,
      c.movingMean,
      c.movingVariance,
    ]),
  max_pool: (name, c, x) => apply(tfl.layers.maxPooling2d({ name, poolSize: c.size, strides: c.strides, padding: c.padding }), x),
  avg_pool: (name, c, x) => apply(tfl.layers.averagePooling2d({ name, poolSize: c.size, strides: c.strides, padding: c.padding }), x),
  global_avg_pool: (name, _c, x) => apply(tfl.layers.globalAveragePooling2d({ name }), x),
  flatten: (name, _c, x) => apply(tfl.layers.flatten({ name }), x),
  dropout: (name, c, x) => apply(tfl.layers.dropout({ name, rate: c.rate }), x),
  activation: (name, c, x) => apply(tfl.layers.activation({ name, activation: c.activation }), x),
  residual: (name, c, x) => {
    const body = chain(c.body, x);
    const sum = apply(tfl.layers.add({ name: `${name}/add` }), [body, chain(c.shortcut, x)]);
    return chain(c.after, sum);
  },
};

function convert(layer: nn.Layer, x: tfl.SymbolicTensor): tfl.SymbolicTensor {
  const config = layer.config!;
  return (CONVERTERS[config.op] as Converter<typeof config.op>)(layer.name, config, x);
}

function chain(layers: readonly nn.Layer[], x: tfl.SymbolicTensor): tfl.SymbolicTensor {
  return layers.reduce((y, l) => convert(l, y), x);
}

/** The first layer (depth first, in forward order) that cannot be converted, and why. */
function firstUnsupported(layers: readonly nn.Layer[]): string | undefined {
  for (const l of layers) {
    const config = l.config;
    if (config === undefined || !Object.hasOwn(CONVERTERS, config.op)) {
      const what = config === undefined ? 'it does not describe itself (no config: not an nn layer)' : `operation "${config.op}" has no tfjs-layers counterpart here`;
      return `layer "${l.name}" (${l.kind ?? 'unknown kind'}): ${what}`;
    }
    if (config.op === 'residual') {
      const inner = firstUnsupported([...config.body, ...config.shortcut, ...config.after]);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}

/**
 * Rebuilds `model` as a tfjs-layers functional model (`tf.model`, channels last) computing the
 * same function in inference mode, with the same weights and BatchNorm moving statistics. Its
 * output is our model's: **logits** (no softmax). Every layer is checked before anything is
 * built, so a model it cannot express throws an `ExportError` naming the layer and creates no
 * tensor. The caller disposes the result (it shares our variables' values, not the variables).
 */
export function toLayersModel(model: Model): tfl.LayersModel {
  if (model.layers === undefined) {
    throw new ExportError(`model "${model.name}" cannot be exported: it does not expose its layers; build it with nn.sequential from nn layers`);
  }
  const problem = firstUnsupported(model.layers);
  if (problem !== undefined) throw new ExportError(`model "${model.name}" cannot be exported to tfjs-layers: ${problem}`);
  const input = tfl.input({ name: 'input', shape: [...model.inputShape] });
  return tfl.model({ name: model.name, inputs: input, outputs: chain(model.layers, input) });
}
