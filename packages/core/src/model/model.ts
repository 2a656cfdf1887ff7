import type * as tf from '@tensorflow/tfjs-core';
import type { ForwardOptions, Layer } from '../nn/layer.js';
import type { Parameter } from '../params/parameter.js';
import type { ModelStructure } from './structure.js';

/**
 * A trainable network. Models are built from `nn` layers, which create every variable with its
 * parameter group, so the trainer never guesses from variable names.
 */
export interface Model {
  readonly name: string;
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly parameters: readonly Parameter[];
  /** Non-trainable state (BatchNorm moving statistics), saved and restored with the weights. */
  readonly state?: readonly tf.Variable[];
  /** tfjs kernels a training step needs; backend selection passes over backends lacking one. */
  readonly requiredKernels?: readonly string[];
  /**
   * Logits `[n, numClasses]`. `training` switches BatchNorm/Dropout behaviour; `options.seed`
   * seeds the pass's randomness (dropout), so training steps are reproducible.
   */
  forward(x: tf.Tensor, training: boolean, options?: ForwardOptions): tf.Tensor2D;
  /** Layers, depths, groups and costs for policies; absent: the trainer infers it from `parameters`. */
  readonly structure?: ModelStructure;
  /**
   * The top-level layers in forward order (composites hold their parts in `config`), for
   * exporters; absent for models not built from `nn` layers, which cannot be exported.
   */
  readonly layers?: readonly Layer[];
  /** Lets the trainer cache a frozen prefix's output; absent: the prefix is always recomputed. */
  readonly stages?: ModelStages;
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

/**
 * The forward pass as a sequence of stages 0…n−1, so that a frozen front can be run once and its
 * output reused (the trainer's frozen-prefix cache).
 */
export interface ModelStages {
  /**
   * Number of leading stages that hold no parameter of depth ≥ `depth` and draw no randomness
   * (dropout): their output depends on the input alone once those parameters are frozen and
   * BatchNorm uses its running statistics.
   */
  frozenPrefix(depth: number): number;
  /** Output shape (per example) after the first `stages` stages. */
  shapeAfter(stages: number): readonly number[];
  /** Stages `from` (inclusive) to `to` (exclusive; Infinity: to the logits). */
  forwardRange(x: tf.Tensor, from: number, to: number, training: boolean, options?: ForwardOptions): tf.Tensor;
}
