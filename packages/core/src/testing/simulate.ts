/**
 * Test helper: drives a policy (and optionally an LR scheduler) through the trainer's event
 * sequence with scripted metrics, without tensors.
 *
 * Per epoch: onEpochBegin; per step: plan() then onStepEnd (skippedWeights = skipsWeights(plan));
 * then onEvaluation (fullyUpdated = no step skipped weights) and onEpochEnd. Policy hooks run
 * before scheduler hooks. Records are in the context before their event fires and the LR is
 * `learningRate`, as in the trainer; `simulate.test.ts` checks the two event by event against
 * the real `Trainer` on a model whose validation accuracy is scripted.
 */
import {
  learningRate,
  reportedGroup,
  skipsWeights,
  type EpochRecord,
  type EvaluationRecord,
  type LrScheduler,
  type ModelStructure,
  type Metrics,
  type SkipPolicy,
  type StepRecord,
  type TrainingContext,
  type TrainingListener,
  type UpdatePlan,
} from '../index.js';

export interface SimulateOptions {
  readonly stepsPerEpoch: number;
  /** Scripted `val_accuracy` per epoch. Epochs past the end repeat the last value. */
  readonly accuracies: readonly number[];
  /** Number of epochs (default: accuracies.length). */
  readonly epochs?: number;
  /** Metrics of an epoch's evaluation; default `{loss, accuracy, val_loss, val_accuracy}` from the accuracy. */
  readonly metrics?: (epoch: number, accuracy: number) => Metrics;
  /** Also drive this scheduler and record its factor before every step. */
  readonly scheduler?: LrScheduler;
  readonly baseLr?: number;
  /** Model structure in the context (default `fakeStructure()`). */
  readonly model?: ModelStructure;
  /** Scripted per-layer weight change of an epoch's evaluation (default none). */
  readonly layerChange?: (epoch: number) => Record<string, number>;
}

export interface SimulatedStep {
  readonly epoch: number;
  readonly step: number;
  readonly stepInEpoch: number;
  readonly plan: UpdatePlan;
  readonly skippedWeights: boolean;
  /** Scheduler factor in force for the step (1 without a scheduler). */
  readonly scheduleFactor: number;
}

export interface SimulatedEpoch {
  readonly epoch: number;
  readonly steps: readonly SimulatedStep[];
  readonly skippedSteps: number;
  readonly fullyUpdated: boolean;
  /** One letter per step: F = weights updated, S = weights skipped. */
  readonly stepPattern: string;
}

export interface Simulation {
  readonly epochs: readonly SimulatedEpoch[];
  readonly steps: readonly SimulatedStep[];
  /** One letter per epoch: F = all steps full, S = all skipped, M = mixed. */
  readonly pattern: string;
}

/**
 * A small model's structure for policy tests: three convolutions (FLOPs 40, 30, 20 per example)
 * and a dense classifier (10), depths 0–3.
 */
export function fakeStructure(): ModelStructure {
  const layer = (name: string, kind: string, depth: number, flops: number) => ({
    name,
    kind,
    depth,
    flops,
    groups: ['weight', 'bias'] as const,
    parameters: [
      { name: `${name}/kernel`, group: 'weight' as const, shape: [10, 10], size: 100 },
      { name: `${name}/bias`, group: 'bias' as const, shape: [10], size: 10 },
    ],
  });
  const layers = [layer('conv2d_1', 'conv2d', 0, 40), layer('conv2d_2', 'conv2d', 1, 30), layer('conv2d_3', 'conv2d', 2, 20), layer('dense_1', 'dense', 3, 10)];
  return { name: 'fake', layers, flops: 100 };
}

export function fakeContext(overrides: Partial<TrainingContext> = {}): TrainingContext {
  return {
    epochs: 10,
    stepsPerEpoch: 4,
    batchSize: 32,
    baseLr: 0.1,
    seed: 1,
    epoch: -1,
    step: 0,
    stepInEpoch: 0,
    scheduleFactor: 1,
    history: [],
    evaluations: [],
    model: fakeStructure(),
    parameterCounts: { weight: 1000, bias: 10, 'norm-scale': 0, 'norm-shift': 0 },
    ...overrides,
  };
}

export function defaultMetrics(_epoch: number, accuracy: number): Metrics {
  return { loss: 1 - accuracy, accuracy, val_loss: 1 - accuracy, val_accuracy: accuracy };
}

export async function simulatePolicy(policy: SkipPolicy, opts: SimulateOptions): Promise<Simulation> {
  const { stepsPerEpoch, accuracies, scheduler, baseLr = 0.1 } = opts;
  const epochs = opts.epochs ?? accuracies.length;
  const metricsOf = opts.metrics ?? defaultMetrics;
  const listeners: TrainingListener[] = scheduler === undefined ? [policy] : [policy, scheduler];
  const history: EpochRecord[] = [];
  const evaluations: EvaluationRecord[] = [];
  const allSteps: SimulatedStep[] = [];
  const simEpochs: SimulatedEpoch[] = [];
  let ctx = fakeContext({ epochs, stepsPerEpoch, baseLr, ...(opts.model === undefined ? {} : { model: opts.model }) });
  const at = (patch: Partial<TrainingContext>): TrainingContext =>
    (ctx = { ...ctx, ...patch, history: [...history], evaluations: [...evaluations] });

  for (const l of listeners) await l.onTrainBegin?.(at({}));
  let step = 0;
  let lastLr = baseLr;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const l of listeners) await l.onEpochBegin?.(at({ epoch, stepInEpoch: 0, step }));
    const steps: SimulatedStep[] = [];
    for (let stepInEpoch = 0; stepInEpoch < stepsPerEpoch; stepInEpoch++, step++) {
      const before = at({ epoch, step, stepInEpoch });
      const scheduleFactor = scheduler?.factor(before) ?? 1;
      const c = at({ scheduleFactor });
      const plan = policy.plan(c);
      const skippedWeights = skipsWeights(plan);
      const lr = learningRate(baseLr, scheduleFactor, plan, reportedGroup(plan, skippedWeights));
      const rec: StepRecord = { epoch, step, stepInEpoch, skippedWeights, lr };
      lastLr = lr;
      for (const l of listeners) l.onStepEnd?.(c, rec);
      const s = { epoch, step, stepInEpoch, plan, skippedWeights, scheduleFactor };
      steps.push(s);
      allSteps.push(s);
    }
    const skippedSteps = steps.filter((s) => s.skippedWeights).length;
    const accuracy = accuracies[Math.min(epoch, accuracies.length - 1)] ?? 0;
    const evaluation: EvaluationRecord = { epoch, metrics: metricsOf(epoch, accuracy), fullyUpdated: skippedSteps === 0, layerChange: opts.layerChange?.(epoch) ?? {} };
    // As in the trainer: the evaluation is in the context its own event receives.
    evaluations.push(evaluation);
    // After the loop the counters point past the epoch's last step, as the trainer's do.
    for (const l of listeners) await l.onEvaluation?.(at({ step, stepInEpoch: stepsPerEpoch }), evaluation);
    const last = lastLr;
    const record: EpochRecord = {
      ...evaluation,
      steps: steps.length,
      skippedSteps,
      lr: last,
      trainTimeMs: 0,
      compute: { forward: 0, dX: 0, dW: 0 },
      plans: {},
      frozenFraction: 0,
      signals: { ...policy.signals?.() },
      epochTimeMs: 0,
    };
    history.push(record);
    for (const l of listeners) await l.onEpochEnd?.(at({ step, stepInEpoch: stepsPerEpoch }), record);
    simEpochs.push({
      epoch,
      steps,
      skippedSteps,
      fullyUpdated: skippedSteps === 0,
      stepPattern: steps.map((s) => (s.skippedWeights ? 'S' : 'F')).join(''),
    });
  }
  const result = { totalSteps: step, skippedSteps: allSteps.filter((s) => s.skippedWeights).length };
  for (const l of listeners)
    await l.onTrainEnd?.(at({}), { epochs: history, test: undefined, wallTimeMs: 0, trainTimeMs: 0, compute: { forward: 0, dX: 0, dW: 0 }, stoppedEarly: false, ...result });

  const pattern = simEpochs
    .map((e) => (e.skippedSteps === 0 ? 'F' : e.skippedSteps === e.steps.length ? 'S' : 'M'))
    .join('');
  return { epochs: simEpochs, steps: allSteps, pattern };
}

/** A policy whose plan is a function of the context; for testing wrappers. */
export function scriptedPolicy(description: string, planOf: (ctx: TrainingContext) => UpdatePlan): SkipPolicy {
  return { description, plan: planOf };
}
