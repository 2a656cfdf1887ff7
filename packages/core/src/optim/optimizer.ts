import * as tf from '@tensorflow/tfjs-core';
import type { Parameter, ParameterGroup } from '../params/parameter.js';

export interface ParameterUpdate {
  readonly param: Parameter;
  readonly grad: tf.Tensor;
  readonly lr: number;
}

/**
 * Optimizers keep their state per parameter, keyed by the parameter's name. tfjs's stock
 * optimizers key state by position in the variable list of each call, which corrupts (or
 * crashes) as soon as the list changes between full and bias-only steps. Here a frozen
 * parameter's state is simply left as it was.
 */
export abstract class Optimizer {
  protected readonly slots = new Map<string, Record<string, tf.Variable>>();
  /** Steps each parameter has actually been updated (Adam's bias correction counts these). */
  protected readonly updates = new Map<string, number>();

  constructor(protected readonly weightDecay: number, protected readonly decayGroups: readonly ParameterGroup[]) {}

  abstract readonly description: string;

  /** Applies one update to each listed parameter; parameters not listed are untouched. */
  apply(updates: readonly ParameterUpdate[]): void {
    tf.tidy(() => {
      for (const u of updates) {
        const count = (this.updates.get(u.param.name) ?? 0) + 1;
        this.updates.set(u.param.name, count);
        this.step(u.param, u.param.variable, u.grad, u.lr, count, this.decays(u.param) ? this.weightDecay : 0);
      }
    });
  }

  /** Weight decay is L2 on `decayGroups` only (default: weights), and only when they update. */
  protected decays(param: Parameter): boolean {
    return this.weightDecay > 0 && this.decayGroups.includes(param.group);
  }

  /** One update of `w` from its gradient `g`; `weightDecay` (0 where it does not apply) is L2: g + w·wd. */
  protected abstract step(param: Parameter, w: tf.Variable, g: tf.Tensor, lr: number, count: number, weightDecay: number): void;

  /** The gradient with L2 weight decay added, as the composed update computes it. */
  protected static decayed(w: tf.Tensor, g: tf.Tensor, weightDecay: number): tf.Tensor {
    return weightDecay > 0 ? tf.add(g, tf.mul(w, weightDecay)) : g;
  }

  protected slot(param: Parameter, name: string): tf.Variable {
    let slots = this.slots.get(param.name);
    if (slots === undefined) {
      slots = {};
      this.slots.set(param.name, slots);
    }
    let v = slots[name];
    if (v === undefined) {
      v = tf.variable(tf.zerosLike(param.variable), false, `${param.variable.name}/${name}`);
      slots[name] = v;
    }
    return v;
  }

  /** A parameter's optimizer state, for tests and checkpoints. */
  stateOf(paramName: string): { readonly updates: number; readonly slots: Readonly<Record<string, tf.Tensor>> } | undefined {
    const updates = this.updates.get(paramName);
    return updates === undefined ? undefined : { updates, slots: this.slots.get(paramName) ?? {} };
  }

  /** Names of the parameters updated at least once (those with state), for checkpoints. */
  updatedParameters(): string[] {
    return [...this.updates.keys()];
  }

  /**
   * Puts a checkpoint's state back for one parameter: its update count and slot values
   * (`slots(name)` gives a slot's saved values). Call on a fresh optimizer before training.
   */
  restoreState(param: Parameter, updates: number, slots: Readonly<Record<string, Float32Array>>): void {
    this.updates.set(param.name, updates);
    for (const [name, values] of Object.entries(slots)) tf.tidy(() => this.slot(param, name).assign(tf.tensor(values, param.variable.shape, 'float32')));
  }

  dispose(): void {
    for (const slots of this.slots.values()) for (const v of Object.values(slots)) v.dispose();
    this.slots.clear();
    this.updates.clear();
  }
}
