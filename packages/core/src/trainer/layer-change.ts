import * as tf from '@tensorflow/tfjs-core';
import type { SavedTensor } from '../checkpoint/checkpoint.js';
import { CheckpointError } from '../errors/errors.js';
import type { Parameter } from '../params/parameter.js';

/**
 * Relative weight change per layer between evaluations, ‖W_t − W_{t−1}‖ / ‖W_{t−1}‖ over the
 * layer's `weight` parameters: the per-layer convergence signal progressive-freeze policies
 * (AutoFreeze, Egeria) watch. Keeps one copy of the weights; costs one pass over them per
 * evaluation, outside the timed training steps.
 */
export class LayerChangeTracker {
  private readonly layers = new Map<string, Parameter[]>();
  private snapshot = new Map<string, tf.Tensor>();

  constructor(parameters: readonly Parameter[]) {
    for (const p of parameters) if (p.group === 'weight') this.layers.set(p.layer, [...(this.layers.get(p.layer) ?? []), p]);
  }

  /** Takes the reference copy (train begin). */
  reset(): void {
    this.dispose();
    for (const params of this.layers.values()) for (const p of params) this.snapshot.set(p.name, tf.clone(p.variable));
  }

  /** Change of each layer since the previous call (or `reset`), then the new reference. */
  measure(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [layer, params] of this.layers) {
      const [diff, base] = tf.tidy(() => {
        let d = tf.scalar(0);
        let b = tf.scalar(0);
        for (const p of params) {
          const old = this.snapshot.get(p.name)!;
          d = tf.add(d, tf.sum(tf.square(tf.sub(p.variable, old))));
          b = tf.add(b, tf.sum(tf.square(old)));
        }
        return [d, b];
      });
      const [d, b] = [diff!.dataSync()[0]!, base!.dataSync()[0]!];
      tf.dispose([diff!, base!]);
      out[layer] = b > 0 ? Math.sqrt(d / b) : 0;
    }
    this.reset();
    return out;
  }

  /** The reference copy, by parameter name (what a checkpoint saves). */
  reference(): [string, tf.Tensor][] {
    return [...this.snapshot.entries()];
  }

  /** Takes a checkpoint's reference copy instead of the current weights. */
  restore(saved: Readonly<Record<string, SavedTensor>>): void {
    this.dispose();
    for (const params of this.layers.values()) {
      for (const p of params) {
        const t = saved[p.name];
        if (t === undefined) throw new CheckpointError('corrupt', `the checkpoint lacks the weight-change reference of ${p.name}`);
        this.snapshot.set(p.name, tf.tensor(t.values, p.variable.shape, 'float32'));
      }
    }
  }

  dispose(): void {
    for (const t of this.snapshot.values()) t.dispose();
    this.snapshot = new Map();
  }
}
