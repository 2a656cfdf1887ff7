import * as tf from '@tensorflow/tfjs-core';
import type { Parameter, ParameterGroup } from '../params/parameter.js';
import { fusedSgdUpdate } from '../kernels/ops/optimizer-update.js';
import { Optimizer } from './optimizer.js';

export interface SgdOptions {
  readonly momentum?: number;
  readonly nesterov?: boolean;
  readonly weightDecay?: number;
  readonly decayGroups?: readonly ParameterGroup[];
}

/**
 * SGD with (Nesterov) momentum, PyTorch semantics: buf = μ·buf + g; w -= lr·buf. One fused
 * kernel per parameter where the backend has ours, else composed from tfjs ops (same bits).
 */
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

  protected step(param: Parameter, w: tf.Variable, grad: tf.Tensor, lr: number, count: number, weightDecay: number): void {
    const buf = this.momentum === 0 ? undefined : this.slot(param, 'momentum');
    // PyTorch starts the buffer at the first gradient rather than decaying from zero.
    const first = count === 1;
    const fused = fusedSgdUpdate(w, grad, buf, { lr, momentum: this.momentum, weightDecay, nesterov: this.nesterov, first });
    if (fused !== undefined) {
      w.assign(fused.w);
      if (buf !== undefined) buf.assign(fused.buf!);
      return;
    }
    const g = Optimizer.decayed(w, grad, weightDecay);
    if (buf === undefined) {
      w.assign(tf.sub(w, tf.mul(g, lr)));
      return;
    }
    const next = first ? g : tf.add(tf.mul(buf, this.momentum), g);
    buf.assign(next);
    const direction = this.nesterov ? tf.add(g, tf.mul(next, this.momentum)) : next;
    w.assign(tf.sub(w, tf.mul(direction, lr)));
  }
}
