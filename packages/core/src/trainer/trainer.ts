import * as tf from '@tensorflow/tfjs-core';
import type { Callback, TrainingListener, WeightSnapshot } from '../callbacks/callback.js';
import { ListenerList } from '../callbacks/callback.js';
import { CHECKPOINT_FORMAT, type CheckpointSink, type PartialEpoch, type SavedTensor, type TrainerCheckpoint } from '../checkpoint/checkpoint.js';
import { isStateful, restoreState, saveState, type PluginState } from '../checkpoint/stateful.js';
import type { Batch, DatasetBundle, LabeledSplit } from '../data/dataset.js';
import { CheckpointError, ConfigError, InterruptedError, TrainingError, type StopSignal } from '../errors/errors.js';
import type { TrainingContext } from '../events/context.js';
import type { ComputeRecord, EpochRecord, EvaluationRecord, Metrics, StepRecord, TrainResult } from '../events/records.js';
import { setFlopPhase } from '../kernels/flop-counter.js';
import { correctCount, softmaxCrossEntropy } from '../loss/cross-entropy.js';
import type { Model } from '../model/model.js';
import { describeStructure, type ModelStructure } from '../model/structure.js';
import type { ForwardOptions } from '../nn/layer.js';
import type { Optimizer } from '../optim/optimizer.js';
import { countByGroup, type Parameter, type ParameterGroup } from '../params/parameter.js';
import { describePlan, learningRate, planKey, reportedGroup, skipsWeights, updates, type UpdatePlan } from '../plan/update-plan.js';
import { validatePlan } from '../plan/validate-plan.js';
import type { SkipPolicy } from '../policy/skip-policy.js';
import { deriveSeed } from '../random/random.js';
import type { LrScheduler } from '../schedule/lr-scheduler.js';
import { EpochProgress } from './epoch-progress.js';
import { LayerChangeTracker } from './layer-change.js';
import { PrefixCache } from './prefix-cache.js';

/** Every parameter and state variable (BatchNorm statistics) of a model, in model order. */
const variablesOf = (model: Model) => [...model.parameters.map((p) => p.variable), ...(model.state ?? [])];

/** A snapshot of `copies` (one per variable of the model, in model order). */
function weightSnapshot(model: Model, copies: tf.Tensor[]): WeightSnapshot {
  const variables = variablesOf(model);
  return {
    restore: () => variables.forEach((v, i) => v.assign(copies[i]!)),
    save: () => copies.map((c) => c.dataSync() as Float32Array),
    dispose: () => tf.dispose(copies),
  };
}

function loadSnapshot(model: Model, values: readonly Float32Array[]): WeightSnapshot {
  const variables = variablesOf(model);
  if (values.length !== variables.length || values.some((v, i) => v.length !== variables[i]!.size)) {
    throw new CheckpointError('mismatch', `a saved weight snapshot holds ${values.length} tensors that do not fit the model's ${variables.length}`);
  }
  return weightSnapshot(model, values.map((v, i) => tf.tensor(v, variables[i]!.shape, 'float32')));
}

/** Resolves after pending I/O callbacks and timers have had their turn (a macrotask). */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Default budget of the frozen-prefix cache: 1 GiB of host memory. */
export const DEFAULT_PREFIX_CACHE_BYTES = 1024 ** 3;

export interface TrainerOptions {
  readonly model: Model;
  readonly data: DatasetBundle;
  readonly optimizer: Optimizer;
  readonly policy: SkipPolicy;
  /** Omitted: constant learning rate. */
  readonly scheduler?: LrScheduler;
  readonly callbacks?: readonly Callback[];
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  /** Seeds the data order; the model's initialisation is seeded by its builder. */
  readonly seed: number;
  /** Batch size of evaluation passes (no gradients, so larger is cheaper). */
  readonly evalBatchSize?: number;
  /** Most bytes the frozen-prefix cache may hold (default 1 GiB; 0 disables it). */
  readonly prefixCacheBytes?: number;
  /**
   * Checked after every step: once requested, a checkpoint is written (when `checkpoints` is
   * set) and training ends with an `InterruptedError`.
   */
  readonly stop?: StopSignal;
  /** Receives a checkpoint at every epoch end (and every `everySteps` steps), on a stop request and at train end. */
  readonly checkpoints?: CheckpointSink;
  /**
   * Called after every batch of an evaluation pass with the samples done and the split's size,
   * for progress displays (a test split of 10 000 images can take minutes on a large network).
   */
  readonly onEvaluationProgress?: (split: EvaluationSplit, done: number, total: number) => void;
  /**
   * Also evaluate the test split after every epoch (`test_loss`, `test_accuracy` in the epoch's
   * metrics), outside the timed training steps: for time-to-accuracy on test data in studies.
   * Policies decide on validation metrics; the test metrics are recorded only.
   */
  readonly testEveryEpoch?: boolean;
}

/** Which split an evaluation pass reads: validation after each epoch, test at the end. */
export type EvaluationSplit = 'validation' | 'test' | 'other';

/** Result of one step before it is read back: tensors stay on the device until epoch end. */
type StepOutput = {
  readonly lossSum: tf.Scalar;
  readonly correct: tf.Scalar;
};

/** What a distinct plan resolves to on this model, computed once per plan. */
interface ResolvedPlan {
  readonly params: Parameter[];
  readonly vars: tf.Variable[];
  readonly description: string;
  readonly skipsWeights: boolean;
  /** Share of the model's scalars this plan freezes. */
  readonly frozenFraction: number;
  readonly forward: ForwardOptions;
  /** Leading stages frozen and cacheable (0: none). */
  readonly prefixStages: number;
}

/**
 * The training loop. Deliberately short: what to update (policy), how fast (scheduler) and what
 * to record (callbacks) are decided by listeners on one event stream. `fit` runs it whole;
 * `begin`, `trainEpoch` and `end` let a comparison interleave several trainers epoch by epoch.
 */
export class Trainer {
  private readonly o: TrainerOptions;
  private readonly listeners: ListenerList;
  private readonly history: EpochRecord[] = [];
  private readonly evaluations: EvaluationRecord[] = [];
  private readonly stepsPerEpoch: number;
  private readonly plans = new Map<string, ResolvedPlan>();
  private readonly parameterCounts: Record<ParameterGroup, number>;
  private readonly structure: ModelStructure;
  private readonly cache: PrefixCache;
  private readonly layerChange: LayerChangeTracker;
  private epoch = -1;
  private step = 0;
  private stepInEpoch = 0;
  private scheduleFactor = 1;
  private startedAt = 0;
  private trainTimeMs = 0;
  private stopped = false;
  /** The epoch a checkpoint cut short, to be finished by the next `trainEpoch`. */
  private resumeEpoch: PartialEpoch | undefined;
  /** Set by `end()`, or by resuming a checkpoint written after training ended. */
  private result: TrainResult | undefined;

  constructor(options: TrainerOptions) {
    if (!Number.isInteger(options.epochs) || options.epochs < 1) throw new ConfigError(`epochs must be a positive integer, got ${options.epochs}`);
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new ConfigError(`batch size must be a positive integer, got ${options.batchSize}`);
    if (!(options.lr > 0) || !Number.isFinite(options.lr)) throw new ConfigError(`learning rate must be a positive number, got ${options.lr}`);
    const budget = options.prefixCacheBytes ?? DEFAULT_PREFIX_CACHE_BYTES;
    if (!(Number.isFinite(budget) && budget >= 0)) throw new ConfigError(`prefix cache budget must be a size in bytes ≥ 0, got ${budget}`);
    this.stepsPerEpoch = Math.floor(options.data.train.count / options.batchSize);
    if (this.stepsPerEpoch < 1) {
      throw new ConfigError(`batch size ${options.batchSize} exceeds the ${options.data.train.count} training samples`);
    }
    this.o = options;
    const listeners: TrainingListener[] = [options.policy];
    if (options.scheduler !== undefined) listeners.push(options.scheduler);
    listeners.push(...(options.callbacks ?? []));
    this.listeners = new ListenerList(listeners);
    this.parameterCounts = countByGroup(options.model.parameters);
    this.structure = options.model.structure ?? describeStructure(options.model.name, options.model.parameters);
    this.cache = new PrefixCache(budget);
    this.layerChange = new LayerChangeTracker(options.model.parameters);
    const access = {
      snapshotWeights: () => weightSnapshot(options.model, variablesOf(options.model).map((v) => tf.clone(v))),
      loadSnapshot: (values: readonly Float32Array[]) => loadSnapshot(options.model, values),
    };
    for (const c of options.callbacks ?? []) c.attach?.(access);
  }

  /** The read-only snapshot handed to listeners. */
  context(): TrainingContext {
    return {
      epochs: this.o.epochs,
      stepsPerEpoch: this.stepsPerEpoch,
      batchSize: this.o.batchSize,
      baseLr: this.o.lr,
      seed: this.o.seed,
      epoch: this.epoch,
      step: this.step,
      stepInEpoch: this.stepInEpoch,
      scheduleFactor: this.scheduleFactor,
      history: this.history,
      evaluations: this.evaluations,
      model: this.structure,
      parameterCounts: this.parameterCounts,
    };
  }

  async fit(): Promise<TrainResult> {
    await this.begin();
    while (!this.done) await this.trainEpoch();
    return this.end();
  }

  /** Epochs completed (a resumed epoch counts once its last step has run). */
  get epochsDone(): number {
    return this.history.length;
  }

  /** True once every epoch ran, a callback asked to stop, or training ended. */
  get done(): boolean {
    return this.stopped || this.result !== undefined || this.history.length >= this.o.epochs;
  }

  async begin(): Promise<void> {
    this.startedAt = performance.now();
    this.layerChange.reset();
    await this.listeners.emit('onTrainBegin', this.context());
  }

  /** Runs the next epoch (training steps, evaluation, events) — or the rest of a resumed one — and returns its record. */
  async trainEpoch(): Promise<EpochRecord> {
    if (this.resumeEpoch === undefined) this.epoch++;
    const record = await this.runEpoch();
    this.trainTimeMs += record.trainTimeMs;
    if ((this.o.callbacks ?? []).some((c) => c.shouldStop?.() === true)) this.stopped = true;
    await this.writeCheckpoint(null);
    return record;
  }

  async end(): Promise<TrainResult> {
    if (this.result === undefined) {
      const test = this.o.data.test === undefined ? undefined : await this.evaluate(this.o.data.test, 'test');
      const sum = (f: (c: ComputeRecord) => number) => this.history.reduce((s, e) => s + f(e.compute), 0);
      this.result = {
        epochs: this.history,
        test,
        totalSteps: this.history.reduce((s, e) => s + e.steps, 0),
        skippedSteps: this.history.reduce((s, e) => s + e.skippedSteps, 0),
        wallTimeMs: performance.now() - this.startedAt,
        trainTimeMs: this.trainTimeMs,
        compute: { forward: sum((c) => c.forward), dX: sum((c) => c.dX), dW: sum((c) => c.dW) },
        stoppedEarly: this.stopped && this.history.length < this.o.epochs,
      };
      // Before the listeners hear of the end: a run killed while they log it resumes here.
      await this.writeCheckpoint(null);
    }
    this.cache.invalidate();
    this.layerChange.dispose();
    await this.listeners.emit('onTrainEnd', this.context(), this.result);
    return this.result;
  }

  /**
   * Continues from a checkpoint instead of `begin()`: restores weights, BatchNorm statistics,
   * optimizer state, the per-layer change reference, counters, history and the listeners'
   * state. Listeners hear `onTrainBegin` (the context shows where training stands), then get
   * their state back through `restore`. A mid-epoch checkpoint's epoch is finished by the next
   * `trainEpoch`, from the step after the last one it saved; a checkpoint written after training
   * ended leaves the trainer `done`, with `end()` returning the saved result.
   */
  async resume(c: TrainerCheckpoint): Promise<void> {
    this.checkModel(c);
    const listeners = this.namedListeners();
    for (const [name, l] of listeners) saveState(l, this.describeListener(name));
    const t = c.tensors;
    const tensor = (name: string) => {
      const saved = t[name];
      if (saved === undefined) throw new CheckpointError('corrupt', `the checkpoint lacks tensor ${name}`);
      return saved;
    };
    tf.tidy(() => {
      for (const p of this.o.model.parameters) p.variable.assign(tf.tensor(tensor(`param/${p.name}`).values, p.variable.shape, p.variable.dtype));
      (this.o.model.state ?? []).forEach((v, i) => v.assign(tf.tensor(tensor(`state/${i}`).values, v.shape, v.dtype)));
    });
    for (const p of this.o.model.parameters) {
      const updates = c.optimizer[p.name];
      if (updates === undefined) continue;
      const prefix = `optimizer/${p.name}/`;
      const slots = Object.fromEntries(Object.keys(t).filter((k) => k.startsWith(prefix)).map((k) => [k.slice(prefix.length), t[k]!.values as Float32Array]));
      this.o.optimizer.restoreState(p, updates, slots);
    }
    this.layerChange.restore(Object.fromEntries(Object.entries(t).filter(([k]) => k.startsWith('layer-change/')).map(([k, v]) => [k.slice('layer-change/'.length), v])));
    const { epochsDone, stepInEpoch, step } = c.position;
    this.history.push(...c.trainer.history);
    this.evaluations.push(...c.trainer.evaluations);
    this.step = step;
    this.stepInEpoch = stepInEpoch;
    this.epoch = stepInEpoch > 0 ? epochsDone : epochsDone - 1;
    this.scheduleFactor = c.trainer.scheduleFactor;
    this.trainTimeMs = c.trainer.trainTimeMs;
    this.stopped = c.trainer.stopped;
    this.resumeEpoch = c.trainer.partial ?? undefined;
    this.result = c.result ?? undefined;
    this.startedAt = performance.now() - c.trainer.wallTimeMs;
    await this.listeners.emit('onTrainBegin', this.context());
    for (const [name, l] of listeners) {
      const state = c.listeners[name];
      if (state === undefined) {
        if (!isStateful(l)) continue;
        throw new CheckpointError('mismatch', `the checkpoint holds no state for ${this.describeListener(name)}; it was written with other plugins`);
      }
      restoreState(l, state, this.describeListener(name));
    }
  }

  /** The checkpoint of where training stands now (at a step boundary). */
  checkpoint(partial: PartialEpoch | null): TrainerCheckpoint {
    const tensors: Record<string, SavedTensor> = {};
    const save = (name: string, v: tf.Tensor) => {
      tensors[name] = { shape: [...v.shape], values: v.dataSync() as Float32Array | Int32Array };
    };
    for (const p of this.o.model.parameters) save(`param/${p.name}`, p.variable);
    (this.o.model.state ?? []).forEach((v, i) => save(`state/${i}`, v));
    const optimizer: Record<string, number> = {};
    for (const name of this.o.optimizer.updatedParameters()) {
      const s = this.o.optimizer.stateOf(name)!;
      optimizer[name] = s.updates;
      for (const [slot, v] of Object.entries(s.slots)) save(`optimizer/${name}/${slot}`, v);
    }
    for (const [name, v] of this.layerChange.reference()) save(`layer-change/${name}`, v);
    const listeners: Record<string, PluginState> = {};
    for (const [name, l] of this.namedListeners()) {
      try {
        listeners[name] = saveState(l, this.describeListener(name));
      } catch (e) {
        // Not resumable: the checkpoint still serves evaluation; `resume` refuses with the reason.
        if (!(e instanceof ConfigError)) throw e;
      }
    }
    return {
      format: CHECKPOINT_FORMAT,
      position: { epochsDone: this.history.length, stepInEpoch: partial === null ? 0 : this.stepInEpoch, step: this.step },
      model: { name: this.o.model.name, parameters: this.o.model.parameters.map((p) => ({ name: p.name, shape: [...p.variable.shape] })) },
      trainer: {
        scheduleFactor: this.scheduleFactor,
        trainTimeMs: this.trainTimeMs,
        wallTimeMs: performance.now() - this.startedAt,
        stopped: this.stopped,
        history: this.history,
        evaluations: this.evaluations,
        partial,
      },
      optimizer,
      listeners,
      tensors,
      result: this.result ?? null,
      app: this.o.checkpoints?.app ?? null,
    };
  }

  private async writeCheckpoint(partial: PartialEpoch | null): Promise<void> {
    if (this.o.checkpoints !== undefined) await this.o.checkpoints.write(this.checkpoint(partial));
  }

  /** The listeners whose state a checkpoint keeps, by the names it keeps them under. */
  private namedListeners(): [string, TrainingListener][] {
    const out: [string, TrainingListener][] = [['policy', this.o.policy]];
    if (this.o.scheduler !== undefined) out.push(['lr-schedule', this.o.scheduler]);
    const seen = new Map<string, number>();
    for (const c of this.o.callbacks ?? []) {
      const n = (seen.get(c.name) ?? 0) + 1;
      seen.set(c.name, n);
      out.push([`callback/${c.name}${n > 1 ? `#${n}` : ''}`, c]);
    }
    return out;
  }

  private describeListener(name: string): string {
    if (name === 'policy') return `skip policy "${this.o.policy.description}"`;
    if (name === 'lr-schedule') return `LR schedule "${this.o.scheduler!.description}"`;
    return `callback "${name.slice('callback/'.length)}"`;
  }

  private checkModel(c: TrainerCheckpoint): void {
    const mine = this.o.model.parameters.map((p) => `${p.name}[${p.variable.shape.join('×')}]`);
    const theirs = c.model.parameters.map((p) => `${p.name}[${p.shape.join('×')}]`);
    const differ = mine.length !== theirs.length || mine.some((m, i) => m !== theirs[i]);
    if (c.model.name !== this.o.model.name || differ) {
      const first = mine.findIndex((m, i) => m !== theirs[i]);
      throw new CheckpointError(
        'mismatch',
        `the checkpoint is of model ${c.model.name} (${theirs.length} parameters) but this run builds ${this.o.model.name} (${mine.length} parameters)` +
          (first >= 0 ? `; first difference: ${theirs[first] ?? '(none)'} vs ${mine[first] ?? '(none)'}` : ''),
      );
    }
  }

  private async runEpoch(): Promise<EpochRecord> {
    const resumed = this.resumeEpoch;
    this.resumeEpoch = undefined;
    if (resumed === undefined) {
      this.stepInEpoch = 0;
      await this.listeners.emit('onEpochBegin', this.context());
    }
    const progress = new EpochProgress(this.o.lr, resumed);
    const batches = this.o.data.train.batches({
      batchSize: this.o.batchSize,
      shuffleSeed: deriveSeed(this.o.seed, 'data-order', this.epoch),
      dropRemainder: true,
      firstBatch: this.stepInEpoch,
    });
    const every = this.o.checkpoints?.everySteps;
    progress.startClock();
    try {
      for (const batch of batches) {
        const ctx = this.context();
        this.scheduleFactor = this.o.scheduler?.factor(ctx) ?? 1;
        const plan = this.o.policy.plan(this.context());
        const resolved = this.resolve(plan);
        const out = this.runStep(batch, plan, resolved);
        batch.x.dispose();
        batch.y.dispose();
        progress.add(out.lossSum, out.correct);
        progress.seen += batch.size;
        if (resolved.skipsWeights) progress.skippedSteps++;
        progress.plans[resolved.description] = (progress.plans[resolved.description] ?? 0) + 1;
        progress.frozenSum += resolved.frozenFraction;
        const lr = learningRate(this.o.lr, this.scheduleFactor, plan, reportedGroup(plan, resolved.skipsWeights));
        progress.lastLr = lr;
        const step: StepRecord = { epoch: this.epoch, step: this.step, stepInEpoch: this.stepInEpoch, skippedWeights: resolved.skipsWeights, lr };
        this.listeners.emitStepEnd(this.context(), step);
        this.step++;
        this.stepInEpoch++;
        // Let timers, signal handlers and background I/O (the MLflow sender) run between steps:
        // otherwise an epoch blocks the event loop from its first step to its last.
        await yieldToEventLoop();
        const stop = this.o.stop?.requested === true;
        if (stop || (every !== undefined && this.step % every === 0 && this.stepInEpoch < this.stepsPerEpoch)) {
          // Writing a checkpoint is not training: the clock stops meanwhile.
          progress.stopClock();
          await this.writeCheckpoint(await progress.snapshot());
          if (stop) throw new InterruptedError(`interrupted (${this.o.stop!.reason}) after step ${this.stepInEpoch} of epoch ${this.epoch + 1}`);
          progress.startClock();
        }
      }
      const done = await progress.finish();
      return await this.closeEpoch(done);
    } finally {
      progress.dispose();
    }
  }

  /** Evaluation and events of an epoch whose steps are done. */
  private async closeEpoch(p: PartialEpoch): Promise<EpochRecord> {
    const trainLoss = p.lossSum / p.seen;
    if (!Number.isFinite(trainLoss)) {
      throw new TrainingError(`training loss became ${trainLoss} in epoch ${this.epoch + 1}; lower the learning rate`);
    }
    const evalStart = performance.now();
    const metrics: Record<string, number> = { loss: trainLoss, accuracy: p.correct / p.seen };
    if (this.o.data.validation !== undefined) {
      const val = await this.evaluate(this.o.data.validation, 'validation');
      metrics['val_loss'] = val['loss']!;
      metrics['val_accuracy'] = val['accuracy']!;
    }
    if (this.o.testEveryEpoch === true && this.o.data.test !== undefined) {
      const test = await this.evaluate(this.o.data.test, 'test');
      metrics['test_loss'] = test['loss']!;
      metrics['test_accuracy'] = test['accuracy']!;
    }
    const evaluation: EvaluationRecord = { epoch: this.epoch, metrics, fullyUpdated: p.skippedSteps === 0, layerChange: this.layerChange.measure() };
    this.evaluations.push(evaluation);
    await this.listeners.emit('onEvaluation', this.context(), evaluation);
    const record: EpochRecord = {
      ...evaluation,
      steps: this.stepInEpoch,
      skippedSteps: p.skippedSteps,
      lr: p.lastLr,
      trainTimeMs: p.trainTimeMs,
      compute: p.compute,
      plans: p.plans,
      frozenFraction: this.stepInEpoch === 0 ? 0 : p.frozenSum / this.stepInEpoch,
      signals: { ...this.o.policy.signals?.() },
      epochTimeMs: p.trainTimeMs + (performance.now() - evalStart),
    };
    this.history.push(record);
    await this.listeners.emit('onEpochEnd', this.context(), record);
    return record;
  }

  /**
   * What a plan means on this model, resolved and validated the first time it appears: a plan
   * naming an unknown group, layer or depth fails here, naming the policy.
   */
  private resolve(plan: UpdatePlan): ResolvedPlan {
    if (plan === null || typeof plan !== 'object') validatePlan(plan, this.structure, this.o.policy.description);
    const key = planKey(plan);
    let entry = this.plans.get(key);
    if (entry !== undefined) return entry;
    validatePlan(plan, this.structure, this.o.policy.description);
    const params = this.o.model.parameters.filter((p) => updates(plan, p));
    const frozen = new Set(this.o.model.parameters.filter((p) => !updates(plan, p)).map((p) => p.name));
    const minDepth = Math.min(...params.map((p) => p.depth));
    const stages = this.o.model.stages;
    const split = this.o.data.train;
    const prefix = stages === undefined || !Number.isFinite(minDepth) || minDepth === 0 || split.deterministic !== true ? 0 : stages.frozenPrefix(minDepth);
    entry = {
      params,
      vars: params.map((p) => p.variable),
      description: describePlan(plan),
      frozenFraction: 1 - params.reduce((n, p) => n + p.variable.size, 0) / Math.max(1, this.o.model.parameters.reduce((n, p) => n + p.variable.size, 0)),
      skipsWeights: skipsWeights(plan) || this.o.model.parameters.some((p) => p.group === 'weight' && frozen.has(p.name)),
      forward: { gradientFloor: Number.isFinite(minDepth) ? minDepth : Number.POSITIVE_INFINITY, frozen },
      prefixStages: prefix > 0 && stages !== undefined && this.cache.fits(stages, prefix, split.count) ? prefix : 0,
    };
    this.plans.set(key, entry);
    return entry;
  }

  /** Checks a plan as the trainer would when it first sees it (for pre-flight checks). */
  checkPlan(plan: UpdatePlan): void {
    this.resolve(plan);
  }

  private runStep(batch: Batch, plan: UpdatePlan, r: ResolvedPlan): StepOutput {
    // A step that updates a parameter inside the cached prefix (or caches another extent)
    // makes every stored output stale.
    if (this.cache.cachedStages > 0 && r.prefixStages !== this.cache.cachedStages) this.cache.invalidate();
    if (r.prefixStages > 0 && batch.indices !== undefined) {
      setFlopPhase('forward');
      const h = this.cache.prefixOutput(this.o.model.stages!, r.prefixStages, batch.x, batch.indices, this.o.data.train.count);
      setFlopPhase('off');
      try {
        return this.runPlan(h, batch.y, plan, r, r.prefixStages);
      } finally {
        h.dispose();
      }
    }
    return this.runPlan(batch.x, batch.y, plan, r, 0);
  }

  /**
   * One step of `plan` on a batch (warm-up, benchmarks, tests), without the prefix cache.
   * `fromStage` > 0: `x` is already the output of that many stages (as the cache would hand it
   * over; they must be frozen by the plan) — how a benchmark times a cached step.
   */
  trainStep(x: tf.Tensor, y: tf.Tensor1D, plan: UpdatePlan, fromStage = 0): StepOutput {
    return this.runPlan(x, y, plan, this.resolve(plan), fromStage);
  }

  /**
   * One step. Gradients are requested for the plan's variables only, so tfjs backpropagates
   * only along paths reaching them: a frozen parameter's gradient never runs, and no input
   * gradient runs below the lowest updated parameter. `fromStage` > 0: `x` is the output of
   * that many (frozen, cached) stages.
   */
  private runPlan(x: tf.Tensor, y: tf.Tensor1D, plan: UpdatePlan, r: ResolvedPlan, fromStage: number): StepOutput {
    const forward = { ...this.forwardOptions(), ...r.forward };
    const logitsOf = () =>
      fromStage === 0 ? this.o.model.forward(x, true, forward) : (this.o.model.stages!.forwardRange(x, fromStage, Number.POSITIVE_INFINITY, true, forward) as tf.Tensor2D);
    try {
      setFlopPhase('forward');
      if (r.vars.length === 0) {
        return tf.tidy(() => {
          const logits = logitsOf();
          return { lossSum: tf.mul(softmaxCrossEntropy(logits, y), y.shape[0]) as tf.Scalar, correct: correctCount(logits, y) };
        });
      }
      return tf.tidy(() => {
        let correct: tf.Scalar | undefined;
        const { value, grads } = tf.variableGrads(() => {
          const logits = logitsOf();
          correct = tf.keep(correctCount(logits, y));
          const loss = softmaxCrossEntropy(logits, y);
          setFlopPhase('backward');
          return loss;
        }, r.vars);
        setFlopPhase('off');
        this.o.optimizer.apply(
          r.params.map((param) => ({ param, grad: grads[param.variable.name]!, lr: learningRate(this.o.lr, this.scheduleFactor, plan, param.group, param.layer) })),
        );
        return { lossSum: tf.mul(value, y.shape[0]) as tf.Scalar, correct: correct! };
      });
    } finally {
      setFlopPhase('off');
    }
  }

  /**
   * Randomness of this step's forward pass (dropout masks), derived from the run seed and the
   * step index: trials with the same seed draw the same masks whatever their policy.
   */
  private forwardOptions(): ForwardOptions {
    return { seed: deriveSeed(this.o.seed, 'forward', this.step) };
  }

  /**
   * Loss and accuracy over a split, inference mode; `which` names it to onEvaluationProgress.
   * Yields to the event loop between batches, as training does between steps: a pass over a
   * large split would otherwise block timers (a sweep worker's lock renewal) for seconds.
   */
  async evaluate(split: LabeledSplit, which: EvaluationSplit = 'other'): Promise<Metrics> {
    let loss = 0;
    let correct = 0;
    let n = 0;
    for (const batch of split.batches({ batchSize: this.o.evalBatchSize ?? 1000 })) {
      const [l, c] = tf.tidy(() => {
        const logits = this.o.model.forward(batch.x, false);
        return [tf.mul(softmaxCrossEntropy(logits, batch.y), batch.size), correctCount(logits, batch.y)];
      });
      loss += l!.dataSync()[0]!;
      correct += c!.dataSync()[0]!;
      tf.dispose([l!, c!, batch.x, batch.y]);
      n += batch.size;
      this.o.onEvaluationProgress?.(which, n, split.count);
      await yieldToEventLoop();
    }
    return { loss: loss / n, accuracy: correct / n };
  }
}
