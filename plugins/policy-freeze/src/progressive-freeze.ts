import {
  ConfigError,
  FULL_UPDATE,
  parseOptions,
  stateObject,
  type EvaluationRecord,
  type PluginState,
  type Stateful,
  type ModelStructure,
  type SkipPolicy,
  type SkipPolicyPlugin,
  type TrainingContext,
  type UpdatePlan,
} from '@wus/core';
import { progressiveFreezeOptionsSchema, type ProgressiveFreezeOptions } from './options.js';

/**
 * Progressive freezing, of the AutoFreeze / Egeria family: the front of the network converges
 * first, so once a front layer's weights have (almost) stopped moving it is frozen for good —
 * no dW, no dX below it, and its output cacheable.
 *
 * Signal: the trainer's per-layer relative weight change per epoch (`evaluation.layerChange`,
 * ‖W_t − W_{t−1}‖ / ‖W_{t−1}‖). A layer has converged when its change has fallen below
 * `threshold` × its change in the first epoch. At each evaluation from `warmupEpochs` on (every
 * `everyEpochs`), the frozen front grows over the leading layers that have converged, layers
 * without weights (BatchNorm) going with the layer before them, as long as the front's forward
 * cost stays within `maxShare` of the model's, at most `growBy` layers with weights per check.
 * The front never shrinks.
 */
export class ProgressiveFreezePolicy implements SkipPolicy, Stateful {
  readonly description: string;
  private first = new Map<string, number>();
  private depth = 0;
  private model: ModelStructure | undefined;

  constructor(readonly options: ProgressiveFreezeOptions) {
    const o = options;
    this.description =
      `progressive-freeze(threshold=${o.threshold},warmupEpochs=${o.warmupEpochs},maxShare=${o.maxShare},everyEpochs=${o.everyEpochs}` +
      `${o.growBy === undefined ? '' : `,growBy=${o.growBy}`})`;
  }

  /** Depth below which everything is frozen now. */
  get frozenDepth(): number {
    return this.depth;
  }

  plan(): UpdatePlan {
    return this.depth === 0 ? FULL_UPDATE : { groups: FULL_UPDATE.groups, freezeBelowDepth: this.depth };
  }

  signals(): Readonly<Record<string, number>> {
    return { 'freeze.depth': this.depth };
  }

  state(): PluginState {
    return { depth: this.depth, first: Object.fromEntries(this.first) };
  }

  restore(state: PluginState): void {
    const s = stateObject(state, `skip policy "${this.description}"`);
    this.depth = s['depth'] as number;
    this.first = new Map(Object.entries(s['first'] as Record<string, number>));
  }

  onTrainBegin(ctx: TrainingContext): void {
    this.model = ctx.model;
    this.first = new Map();
    this.depth = 0;
    if (!ctx.model.layers.some((l) => l.groups.includes('weight'))) {
      throw new ConfigError(`progressive-freeze: ${ctx.model.name} has no layer with weights to freeze`);
    }
  }

  onEvaluation(_ctx: TrainingContext, ev: EvaluationRecord): void {
    const model = this.model!;
    for (const [layer, change] of Object.entries(ev.layerChange)) if (!this.first.has(layer) && change > 0) this.first.set(layer, change);
    const done = ev.epoch + 1;
    if (done < this.options.warmupEpochs || (done - this.options.warmupEpochs) % this.options.everyEpochs !== 0) return;
    const budget = this.options.maxShare * model.flops;
    let cost = model.layers.filter((l) => l.depth < this.depth).reduce((s, l) => s + l.flops, 0);
    let taken = 0;
    for (const layer of model.layers.filter((l) => l.depth >= this.depth)) {
      if (layer.groups.includes('weight')) {
        if (taken === (this.options.growBy ?? Number.POSITIVE_INFINITY)) break;
        taken++;
        const change = ev.layerChange[layer.name];
        const first = this.first.get(layer.name);
        if (change === undefined || first === undefined || !(change < this.options.threshold * first)) break;
      }
      if (cost + layer.flops > budget) break;
      cost += layer.flops;
      this.depth = layer.depth + 1;
    }
    // Never freeze the whole model: the last layer keeps training.
    this.depth = Math.min(this.depth, model.layers.length - 1);
  }
}

export const progressiveFreezePlugin: SkipPolicyPlugin = {
  kind: 'skip-policy',
  name: 'progressive-freeze',
  options: progressiveFreezeOptionsSchema,
  description:
    'freezes the front layers for good, one by one, once their relative weight change per epoch has flattened (AutoFreeze/Egeria family), up to a share of the forward cost',
  create(options) {
    return new ProgressiveFreezePolicy(parseOptions('skip-policy "progressive-freeze"', progressiveFreezeOptionsSchema, options));
  },
};
