import type * as tf from '@tensorflow/tfjs-core';
import type { Parameter } from '../params/parameter.js';

/** A built layer: variables created, shapes known. */
export interface Layer {
  readonly name: string;
  readonly parameters: readonly Parameter[];
  /** Non-trainable state (BatchNorm moving statistics), saved with checkpoints. */
  readonly state: readonly tf.Variable[];
  readonly outputShape: readonly number[];
  /** tfjs kernels a training step of this layer needs (forward and backward). */
  readonly kernels: readonly string[];
  apply(x: tf.Tensor, training: boolean): tf.Tensor;
}

/** What a layer spec receives when the model builder instantiates it. */
export interface BuildContext {
  /** Per-sample input shape (no batch dimension). */
  readonly inputShape: readonly number[];
  /** Builder-assigned unique name, e.g. `conv2d_1`. */
  readonly name: string;
  /** Index among parameterised layers; a spec that creates variables consumes one depth. */
  readonly depth: number;
  /** Initialisation seed for this layer. */
  readonly seed: number;
}

/** A recipe for a layer; `build` creates its variables. */
export interface LayerSpec {
  /** Base of the generated layer name. */
  readonly type: string;
  /** Whether the layer owns trainable parameters (consumes a depth index). */
  readonly parameterised: boolean;
  build(ctx: BuildContext): Layer;
}
