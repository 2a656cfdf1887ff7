import type * as tf from '@tensorflow/tfjs-core';
import type { ForwardOptions } from '../nn/layer.js';
import type { Parameter } from '../params/parameter.js';

/**
 * A trainable network. Models are built from `nn` layers, which create every variable with its
 * parameter group, so the trainer never guesses from variable names.
 */
export interface Model {
  readonly name: string;
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly parameters: readonly Parameter[];
  /** tfjs kernels a training step needs; backend selection passes over backends lacking one. */
  readonly requiredKernels?: readonly string[];
  /**
   * Logits `[n, numClasses]`. `training` switches BatchNorm/Dropout behaviour; `options.seed`
   * seeds the pass's randomness (dropout), so training steps are reproducible.
   */
  forward(x: tf.Tensor, training: boolean, options?: ForwardOptions): tf.Tensor2D;
  /** Human-readable layer listing with shapes and parameter counts. */
  summary(): string;
  dispose(): void;
}

/** Options every model builder accepts. */
export interface ModelBuildOptions {
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly widthMultiplier?: number;
  readonly seed: number;
}
