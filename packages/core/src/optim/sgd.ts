import * as tf from '@tensorflow/tfjs-core';
import type { Parameter, ParameterGroup } from '../params/parameter.js';
import { Optimizer } from './optimizer.js';

export interface SgdOptions {
  readonly momentum?: number;
  readonly nesterov?: boolean;
  readonly weightDecay?: number;
  readonly decayGroups?: readonly ParameterGroup[];
}

/** SGD with (Nesterov) momentum, PyTorch semantics: buf = μ·buf + g; w -= lr·buf. */
export class Sgd extends Optimizer {
  readonly description: string;
  private readonly momentum: number;
  private readonly nesterov: boolean;

  constructor(options: SgdOptions = {}) {
    super(options.weightDecay ?? 0, options.decayGroups ?? ['weight']);
    this.momentum = options.momentum ?? 0;
    this.nesterov = options.nesterov ?? false;
    this.description = `sgd(momentum=${this.momentum}${this.nesterov ? ',nesterov' : ''},weightDecay=${this.weightDecay})`;
  }

  protected step(param: Parameter, w: tf.Variable, g: tf.Tensor, lr: number, count: number): void {
    if (this.momentum === 0) {
      w.assign(tf.sub(w, tf.mul(g, lr)));
      return;
    }
    const buf = this.slot(param, 'momentum');
    // PyTorch starts the buffer at the first gradient rather than decaying from zero.
    const next = count === 1 ? g : tf.add(tf.mul(buf, this.momentum), g);
    buf.assign(next);
    const direction = this.nesterov ? tf.add(g, tf.mul(next, this.momentum)) : next;
    w.assign(tf.sub(w, tf.mul(direction, lr)));
  }
}
