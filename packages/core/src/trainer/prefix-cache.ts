import * as tf from '@tensorflow/tfjs-core';
import type { ModelStages } from '../model/model.js';

/**
 * The frozen-prefix cache. While a plan freezes every parameter of the first `stages` stages
 * and the data gives the same input for a sample on every pass, the prefix's output for that
 * sample cannot change: it is computed once (the first time the sample is seen in the window)
 * and gathered from here afterwards, so the window's steps run neither the prefix's forward
 * pass nor, of course, any of its gradients.
 *
 * BatchNorm inside a cached prefix runs in inference mode (running statistics), both when an
 * output is computed and when it is reused: with batch statistics the output would depend on the
 * batch the sample happens to share, and no cache could hold it. Its moving statistics therefore
 * stay as they were when the window began (core README, "Decisions").
 *
 * The store is one float32 array of `count × features` on the host; a prefix whose outputs for
 * the whole split would exceed the budget is not cached (recomputed as without a cache).
 */
/** Floats per sample after `stages` stages. */
const featuresAfter = (model: ModelStages, stages: number) => model.shapeAfter(stages).reduce((a, b) => a * b, 1);

export class PrefixCache {
  private stages = 0;
  private features = 0;
  private store: Float32Array | undefined;
  private filled: Uint8Array | undefined;

  /** @param budgetBytes most bytes the store may take; 0 disables the cache. */
  constructor(private readonly budgetBytes: number) {}

  /** Whether the outputs of `stages` stages for `count` samples fit the budget. */
  fits(model: ModelStages, stages: number, count: number): boolean {
    return stages > 0 && count * featuresAfter(model, stages) * 4 <= this.budgetBytes;
  }

  /** Stages cached now (0: nothing). */
  get cachedStages(): number {
    return this.store === undefined ? 0 : this.stages;
  }

  /** Drops every stored output: the prefix's parameters or its extent changed. */
  invalidate(): void {
    this.store = undefined;
    this.filled = undefined;
    this.stages = 0;
  }

  /**
   * The first `stages` stages' output for a batch: gathered when every sample is stored, else
   * computed in inference mode for the whole batch and stored. The caller disposes the result.
   */
  prefixOutput(model: ModelStages, stages: number, x: tf.Tensor, indices: Uint32Array, count: number): tf.Tensor {
    if (this.store === undefined || this.stages !== stages) {
      this.stages = stages;
      this.features = featuresAfter(model, stages);
      this.store = new Float32Array(count * this.features);
      this.filled = new Uint8Array(count);
    }
    const f = this.features;
    const shape = [indices.length, ...model.shapeAfter(stages)];
    const store = this.store;
    const filled = this.filled!;
    if (indices.every((i) => filled[i] === 1)) {
      const out = new Float32Array(indices.length * f);
      for (let k = 0; k < indices.length; k++) out.set(store.subarray(indices[k]! * f, (indices[k]! + 1) * f), k * f);
      return tf.tensor(out, shape, 'float32');
    }
    const h = tf.tidy(() => model.forwardRange(x, 0, stages, false));
    const values = h.dataSync() as Float32Array;
    for (let k = 0; k < indices.length; k++) {
      store.set(values.subarray(k * f, (k + 1) * f), indices[k]! * f);
      filled[indices[k]!] = 1;
    }
    return h;
  }
}
