import type * as tf from '@tensorflow/tfjs-core';
import type { Parameter } from '../params/parameter.js';
import type { LayerConfig } from './layer-config.js';

/** Per-pass options of a forward pass besides the training flag. */
export interface ForwardOptions {
  /**
   * Seed of this pass's randomness (dropout masks). The trainer derives one per step from the
   * run seed, so every trial of a study draws the same masks at the same step.
   */
  readonly seed?: number;
  /**
   * Lowest depth whose parameters this step updates: a layer at or below it needs no input
   * gradient (the trainer computes none there; fused kernels that would compute one eagerly
   * skip it). Omitted: every gradient may be needed.
   */
  readonly gradientFloor?: number;
  /** Names of the parameters this step leaves frozen (fused kernels skip their gradients). */
  readonly frozen?: ReadonlySet<string>;
}

/** A built layer: variables created, shapes known. */
export interface Layer {
  readonly name: string;
  /** Every trainable parameter of the layer, its sub-layers' included (in build order). */
  readonly parameters: readonly Parameter[];
  /** Non-trainable state (BatchNorm moving statistics), saved with checkpoints. */
  readonly state: readonly tf.Variable[];
  readonly outputShape: readonly number[];
  /** tfjs kernels a training step of this layer needs (forward and backward). */
  readonly kernels: readonly string[];
  /** The parts of a composite layer, for summaries; absent for simple layers. */
  readonly sublayers?: readonly Layer[];
  /** The spec's `type` (`conv2d`, `dense`, …); set by the builder. */
  readonly kind?: string;
  /**
   * Forward cost per example in FLOPs (2 × multiply-adds of its convolutions and matrix
   * products); what layer-wise policies weigh a frozen front by. Absent: negligible.
   */
  readonly flops?: number;
  /** True when a training-mode pass draws randomness (dropout): its output cannot be cached. */
  readonly stochastic?: boolean;
  /**
   * What the layer computes and which variable is which, for exporters. Every `nn` layer sets
   * it; a third-party layer without one trains as usual but cannot be exported.
   */
  readonly config?: LayerConfig;
  apply(x: tf.Tensor, training: boolean, options?: ForwardOptions): tf.Tensor;
}

/** What a layer spec receives when the model builder instantiates it. */
export interface BuildContext {
  /** Per-sample input shape (no batch dimension). */
  readonly inputShape: readonly number[];
  /** Builder-assigned unique name, e.g. `conv2d_1` or `basic_block_2/conv2d_1`. */
  readonly name: string;
  /**
   * Index among parameterised layers; a spec that creates variables consumes one depth. For a
   * composite spec: the depth its first parameterised part will get.
   */
  readonly depth: number;
  /** Initialisation seed for this layer (derived from the model seed and `depth`). */
  readonly seed: number;
  /**
   * Builds a part of a composite layer: named `<this layer>/<scope/><type>_<n>`, given the next
   * free depth when it owns parameters, seeded from that depth. Parts are numbered in build
   * order, so build them in the order their parameters should be listed.
   */
  sublayer(spec: LayerSpec, inputShape: readonly number[], scope?: string): Layer;
}

/** A recipe for a layer; `build` creates its variables. */
export interface LayerSpec {
  /** Base of the generated layer name. */
  readonly type: string;
  /** Whether the layer owns trainable parameters (directly or through its parts). */
  readonly parameterised: boolean;
  /**
   * A composite layer (e.g. a residual block) creates its parameters only through
   * `ctx.sublayer`; it takes no depth itself, each parameterised part takes its own, so depth
   * stays "index among parameterised (leaf) layers".
   */
  readonly composite?: boolean;
  build(ctx: BuildContext): Layer;
}
