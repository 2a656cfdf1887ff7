import type * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors/errors.js';
import type { Model } from '../model/model.js';
import type { Parameter } from '../params/parameter.js';
import { LayerBuilder } from './builder.js';
import type { ForwardOptions, Layer, LayerSpec } from './layer.js';

export interface SequentialOptions {
  readonly name: string;
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly seed: number;
  readonly layers: readonly LayerSpec[];
}

/** A stack of layers; the last one must output `numClasses` logits. */
export class SequentialModel implements Model {
  readonly name: string;
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly layers: readonly Layer[];
  readonly parameters: readonly Parameter[];
  /** Union of the kernels the layers need, for backend selection. */
  readonly requiredKernels: readonly string[];

  constructor(options: SequentialOptions) {
    this.name = options.name;
    this.inputShape = options.inputShape;
    this.numClasses = options.numClasses;
    const build = new LayerBuilder(options.seed).scope();
    const layers: Layer[] = [];
    let shape = options.inputShape;
    for (const spec of options.layers) {
      const layer = build(spec, shape);
      layers.push(layer);
      shape = layer.outputShape;
    }
    if (shape.length !== 1 || shape[0] !== options.numClasses) {
      throw new ConfigError(`${options.name}: last layer outputs [${shape.join(', ')}], expected [${options.numClasses}] logits`);
    }
    this.layers = layers;
    this.parameters = layers.flatMap((l) => l.parameters);
    this.requiredKernels = [...new Set(layers.flatMap((l) => l.kernels))];
  }

  forward(x: tf.Tensor, training: boolean, options?: ForwardOptions): tf.Tensor2D {
    let y = x;
    for (const layer of this.layers) y = layer.apply(y, training, options);
    return y as tf.Tensor2D;
  }

  summary(): string {
    const rows: string[] = [];
    const list = (layers: readonly Layer[], indent: string) => {
      for (const l of layers) {
        const count = l.parameters.reduce((s, p) => s + p.variable.size, 0);
        rows.push(`${indent}${l.name.padEnd(16)} [${l.outputShape.join(', ')}]`.padEnd(48) + String(count).padStart(10));
        if (l.sublayers !== undefined) list(l.sublayers, `${indent}  `);
      }
    };
    list(this.layers, '');
    const total = this.parameters.reduce((s, p) => s + p.variable.size, 0);
    return [`${this.name}: input [${this.inputShape.join(', ')}]`, ...rows, `total parameters: ${total}`].join('\n');
  }

  /** Non-trainable state of all layers. */
  get state(): tf.Variable[] {
    return this.layers.flatMap((l) => [...l.state]);
  }

  dispose(): void {
    for (const p of this.parameters) p.variable.dispose();
    for (const v of this.state) v.dispose();
  }
}

export function sequential(options: SequentialOptions): SequentialModel {
  return new SequentialModel(options);
}
