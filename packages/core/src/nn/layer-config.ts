import type * as tf from '@tensorflow/tfjs-core';
import type { Layer } from './layer.js';

/**
 * What a built layer computes, in terms another framework can rebuild it from: the settings of
 * its operation and which variable plays which role. Exporters (`@wus/export-tfjs-layers`)
 * read it; training never does. Tensors are NHWC (channels last); a kernel is `[in, units]`
 * (dense) or `[k, k, in, filters]` (conv2d), as in tfjs.
 */
export type LayerConfig =
  | { readonly op: 'dense'; readonly units: number; readonly kernel: tf.Variable; readonly bias?: tf.Variable }
  | {
      readonly op: 'conv2d';
      readonly filters: number;
      readonly kernelSize: number;
      readonly strides: number;
      /** 'same'/'valid' as in TensorFlow, or that many zero rows/columns on every side. */
      readonly padding: 'same' | 'valid' | number;
      readonly dilation: number;
      readonly kernel: tf.Variable;
      readonly bias?: tf.Variable;
    }
  | {
      readonly op: 'batch_norm';
      /** Weight of the old moving statistics (Keras convention). */
      readonly momentum: number;
      readonly epsilon: number;
      readonly gamma: tf.Variable;
      readonly beta: tf.Variable;
      readonly movingMean: tf.Variable;
      readonly movingVariance: tf.Variable;
    }
  | { readonly op: 'max_pool' | 'avg_pool'; readonly size: number; readonly strides: number; readonly padding: 'same' | 'valid' }
  | { readonly op: 'global_avg_pool' }
  /** Row-major over `[h, w, c]`: channels vary fastest. */
  | { readonly op: 'flatten' }
  /** Inverted dropout: the identity in inference. */
  | { readonly op: 'dropout'; readonly rate: number }
  | { readonly op: 'activation'; readonly activation: 'relu' | 'tanh' }
  /** `after(body(x) + shortcut(x))`; an empty shortcut is the identity. */
  | { readonly op: 'residual'; readonly body: readonly Layer[]; readonly shortcut: readonly Layer[]; readonly after: readonly Layer[] };

export type LayerOp = LayerConfig['op'];
