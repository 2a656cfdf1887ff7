import type * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors/errors.js';
import type { Model, ModelStages } from '../model/model.js';
import { describeStructure, type ModelStructure } from '../model/structure.js';
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
export class SequentialModel implements Model, ModelStages {
  readonly name: string;
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly layers: readonly Layer[];
  readonly parameters: readonly Parameter[];
  /** Union of the kernels the layers need, for backend selection. */
  readonly requiredKernels: readonly string[];
  readonly structure: ModelStructure;
  readonly stages: ModelStages = this;

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
    this.structure = describeStructure(this.name, this.parameters, layers);
  }

  forward(x: tf.Tensor, training: boolean, options?: ForwardOptions): tf.Tensor2D {
    return this.forwardRange(x, 0, this.layers.length, training, options) as tf.Tensor2D;
  }

  forwardRange(x: tf.Tensor, from: number, to: number, training: boolean, options?: ForwardOptions): tf.Tensor {
    let y = x;
    for (let i = from; i < Math.min(to, this.layers.length); i++) y = this.layers[i]!.apply(y, training, options);
    return y;
  }

  frozenPrefix(depth: number): number {
    const stochastic = (l: Layer): boolean => l.stochastic === true || (l.sublayers ?? []).some(stochastic);
    let n = 0;
    while (n < this.layers.length - 1) {
      const l = this.layers[n]!;
      if (stochastic(l) || l.parameters.some((p) => p.depth >= depth)) break;
      n++;
    }
    return n;
  }

  shapeAfter(stages: number): readonly number[] {
    return stages === 0 ? this.inputShape : this.layers[stages - 1]!.outputShape;
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
