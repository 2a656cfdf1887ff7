import * as tf from '@tensorflow/tfjs-core';
import type { Callback, TrainingListener } from '../callbacks/callback.js';
import { ListenerList } from '../callbacks/callback.js';
import type { LabeledSplit, DatasetBundle } from '../data/dataset.js';
import { ConfigError, TrainingError } from '../errors/errors.js';
import type { TrainingContext } from '../events/context.js';
import type { EpochRecord, EvaluationRecord, Metrics, StepRecord, TrainResult } from '../events/records.js';
import { correctCount, softmaxCrossEntropy } from '../loss/cross-entropy.js';
import type { Model } from '../model/model.js';
import type { ForwardOptions } from '../nn/layer.js';
import type { Optimizer } from '../optim/optimizer.js';
import { countByGroup, type Parameter, type ParameterGroup } from '../params/parameter.js';
import { lrScaleOf, skipsWeights, type UpdatePlan } from '../plan/update-plan.js';
import type { SkipPolicy } from '../policy/skip-policy.js';
import { deriveSeed } from '../random/random.js';
import type { LrScheduler } from '../schedule/lr-scheduler.js';

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
}

/** Result of one step before it is read back: tensors stay on the device until epoch end. */
type StepOutput = {
  readonly lossSum: tf.Scalar;
  readonly correct: tf.Scalar;
};

/**
 * The training loop. Deliberately short: what to update (policy), how fast (scheduler) and what
 * to record (callbacks) are decided by listeners on one event stream.
 */
export class Trainer {
  private readonly o: TrainerOptions;
  private readonly listeners: ListenerList;
  private readonly history: EpochRecord[] = [];
  private readonly evaluations: EvaluationRecord[] = [];
  private readonly stepsPerEpoch: number;
  private readonly varListCache = new Map<string, { params: Parameter[]; vars: tf.Variable[] }>();
  private readonly parameterCounts: Record<ParameterGroup, number>;
  private epoch = -1;
  private step = 0;
  private stepInEpoch = 0;
  private scheduleFactor = 1;

  constructor(options: TrainerOptions) {
    if (!Number.isInteger(options.epochs) || options.epochs < 1) throw new ConfigError(`epochs must be a positive integer, got ${options.epochs}`);
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new ConfigError(`batch size must be a positive integer, got ${options.batchSize}`);
    if (!(options.lr > 0) || !Number.isFinite(options.lr)) throw new ConfigError(`learning rate must be a positive number, got ${options.lr}`);
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
      parameterCounts: this.parameterCounts,
    };
  }

  async fit(): Promise<TrainResult> {
    const start = performance.now();
    let trainTimeMs = 0;
    let stoppedEarly = false;
    await this.listeners.emit('onTrainBegin', this.context());
    for (this.epoch = 0; this.epoch < this.o.epochs; this.epoch++) {
      const record = await this.runEpoch();
      trainTimeMs += record.trainTimeMs;
      if ((this.o.callbacks ?? []).some((c) => c.shouldStop?.() === true)) {
        stoppedEarly = this.epoch < this.o.epochs - 1;
        break;
      }
    }
    const test = this.o.data.test === undefined ? undefined : this.evaluate(this.o.data.test);
    const result: TrainResult = {
      epochs: this.history,
      test,
      totalSteps: this.history.reduce((s, e) => s + e.steps, 0),
      skippedSteps: this.history.reduce((s, e) => s + e.skippedSteps, 0),
      wallTimeMs: performance.now() - start,
      trainTimeMs,
      stoppedEarly,
    };
    await this.listeners.emit('onTrainEnd', this.context(), result);
    return result;
  }

  private async runEpoch(): Promise<EpochRecord> {
    const epochStart = performance.now();
    this.stepInEpoch = 0;
    await this.listeners.emit('onEpochBegin', this.context());
    let lossSum = tf.scalar(0);
    let correct = tf.scalar(0, 'int32');
    let seen = 0;
    let skipped = 0;
    let lastLr = this.o.lr;
    const batches = this.o.data.train.batches({
      batchSize: this.o.batchSize,
      shuffleSeed: deriveSeed(this.o.seed, 'data-order', this.epoch),
      dropRemainder: true,
    });
    for (const batch of batches) {
      const ctx = this.context();
      this.scheduleFactor = this.o.scheduler?.factor(ctx) ?? 1;
      const plan = this.o.policy.plan(this.context());
      const out = this.trainStep(batch.x, batch.y, plan);
      batch.x.dispose();
      batch.y.dispose();
      [lossSum, correct] = this.accumulate(lossSum, correct, out);
      seen += batch.size;
      const skippedWeights = skipsWeights(plan);
      if (skippedWeights) skipped++;
      const lr = this.o.lr * this.scheduleFactor * lrScaleOf(plan, skippedWeights ? plan.groups[0]! : 'weight');
      lastLr = lr;
      const step: StepRecord = { epoch: this.epoch, step: this.step, stepInEpoch: this.stepInEpoch, skippedWeights, lr };
      this.listeners.emitStepEnd(this.context(), step);
      this.step++;
      this.stepInEpoch++;
    }
    const trainTimeMs = performance.now() - epochStart;
    const trainLoss = (await lossSum.data())[0]! / seen;
    const trainAcc = (await correct.data())[0]! / seen;
    lossSum.dispose();
    correct.dispose();
    if (!Number.isFinite(trainLoss)) {
      throw new TrainingError(`training loss became ${trainLoss} in epoch ${this.epoch + 1}; lower the learning rate`);
    }
    const metrics: Record<string, number> = { loss: trainLoss, accuracy: trainAcc };
    if (this.o.data.validation !== undefined) {
      const val = this.evaluate(this.o.data.validation);
      metrics['val_loss'] = val['loss']!;
      metrics['val_accuracy'] = val['accuracy']!;
    }
    const evaluation: EvaluationRecord = { epoch: this.epoch, metrics, fullyUpdated: skipped === 0 };
    this.evaluations.push(evaluation);
    await this.listeners.emit('onEvaluation', this.context(), evaluation);
    const record: EpochRecord = {
      ...evaluation,
      steps: this.stepInEpoch,
      skippedSteps: skipped,
      lr: lastLr,
      trainTimeMs,
      epochTimeMs: performance.now() - epochStart,
    };
    this.history.push(record);
    await this.listeners.emit('onEpochEnd', this.context(), record);
    return record;
  }

  private accumulate(lossSum: tf.Scalar, correct: tf.Scalar, out: StepOutput): [tf.Scalar, tf.Scalar] {
    const next = tf.tidy(() => [tf.add(lossSum, out.lossSum), tf.add(correct, out.correct)] as [tf.Scalar, tf.Scalar]);
    tf.dispose([lossSum, correct, out.lossSum, out.correct]);
    return next;
  }

  /** Parameters and variables a plan updates, cached per distinct group set. */
  private varList(plan: UpdatePlan): { params: Parameter[]; vars: tf.Variable[] } {
    const key = [...plan.groups].sort().join(',');
    let entry = this.varListCache.get(key);
    if (entry === undefined) {
      const params = this.o.model.parameters.filter((p) => plan.groups.includes(p.group));
      entry = { params, vars: params.map((p) => p.variable) };
      this.varListCache.set(key, entry);
    }
    return entry;
  }

  /**
   * One step. Gradients are requested for the plan's variables only, so tfjs backpropagates
   * only along paths reaching them: a bias-only step runs no weight-gradient kernel.
   */
  trainStep(x: tf.Tensor, y: tf.Tensor1D, plan: UpdatePlan): StepOutput {
    const { params, vars } = this.varList(plan);
    if (vars.length === 0) return tf.tidy(() => this.forwardOnly(x, y));
    return tf.tidy(() => {
      let correct: tf.Scalar | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const logits = this.o.model.forward(x, true, this.forwardOptions());
        correct = tf.keep(correctCount(logits, y));
        return softmaxCrossEntropy(logits, y);
      }, vars);
      const base = this.o.lr * this.scheduleFactor;
      this.o.optimizer.apply(params.map((param) => ({ param, grad: grads[param.variable.name]!, lr: base * lrScaleOf(plan, param.group) })));
      return { lossSum: tf.mul(value, y.shape[0]) as tf.Scalar, correct: correct! };
    });
  }

  /**
   * Randomness of this step's forward pass (dropout masks), derived from the run seed and the
   * step index: trials with the same seed draw the same masks whatever their policy.
   */
  private forwardOptions(): ForwardOptions {
    return { seed: deriveSeed(this.o.seed, 'forward', this.step) };
  }

  private forwardOnly(x: tf.Tensor, y: tf.Tensor1D): StepOutput {
    const logits = this.o.model.forward(x, true, this.forwardOptions());
    return { lossSum: tf.mul(softmaxCrossEntropy(logits, y), y.shape[0]) as tf.Scalar, correct: correctCount(logits, y) };
  }

  /** Loss and accuracy over a split, inference mode. */
  evaluate(split: LabeledSplit): Metrics {
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
    }
    return { loss: loss / n, accuracy: correct / n };
  }
}
