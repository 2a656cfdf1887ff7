import * as tf from '@tensorflow/tfjs-core';
import type { Parameter, ParameterGroup } from '../params/parameter.js';
import { fusedAdamUpdate } from '../kernels/ops/optimizer-update.js';
import { Optimizer } from './optimizer.js';

export interface AdamOptions {
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
  readonly weightDecay?: number;
  readonly decayGroups?: readonly ParameterGroup[];
}

/**
 * Adam. Bias correction uses each parameter's own update count: a weight frozen for a window
 * resumes with the correction it had, not one inflated by steps it sat out.
 */
export class Adam extends Optimizer {
  readonly description: string;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;

  constructor(options: AdamOptions = {}) {
    super(options.weightDecay ?? 0, options.decayGroups ?? ['weight']);
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.description = `adam(beta1=${this.beta1},beta2=${this.beta2},eps=${this.epsilon},weightDecay=${this.weightDecay})`;
  }

  protected step(param: Parameter, w: tf.Variable, grad: tf.Tensor, lr: number, count: number, weightDecay: number): void {
    const m = this.slot(param, 'm');
    const v = this.slot(param, 'v');
    const stepSize = (lr * Math.sqrt(1 - this.beta2 ** count)) / (1 - this.beta1 ** count);
    const epsilon = this.epsilon * Math.sqrt(1 - this.beta2 ** count);
    // One kernel where the backend has ours (wasm, cpu; same bits), composed tfjs ops elsewhere.
    const fused = fusedAdamUpdate(w, grad, m, v, { beta1: this.beta1, beta2: this.beta2, stepSize, epsilon, weightDecay });
    if (fused !== undefined) {
      m.assign(fused.m);
      v.assign(fused.v);
      w.assign(fused.w);
      return;
    }
    const g = Optimizer.decayed(w, grad, weightDecay);
    m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1)));
    v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2)));
    w.assign(tf.sub(w, tf.div(tf.mul(m, stepSize), tf.add(tf.sqrt(v), epsilon))));
  }
}
