import * as tf from '@tensorflow/tfjs-core';
import { FULL_UPDATE, Sgd, Trainer, depthForCostShare, describeStructure, skipWeights, type Model, type UpdatePlan } from '@wus/core';
import { toyDataset } from '@wus/core/testing';
import type { BenchModel } from './models.js';
import { median, relativeSpread } from './stats.js';

export interface MeasureOptions {
  readonly batch: number;
  readonly width: number;
  readonly warmup: number;
  readonly reps: number;
  /** Also run one profiled full and one profiled bias-only step (kernel timings). */
  readonly profile: boolean;
  /**
   * Also time, in the same repetitions, what the cost split needs: the optimizer's update of
   * every parameter alone, and the step of WUS's "front" scope — the leading layers holding at
   * most this share of the forward FLOPs frozen — with and without the frozen prefix's forward
   * (what the trainer's prefix cache removes).
   */
  readonly frontShare?: number;
}

/** The extra timings of `MeasureOptions.frontShare` (medians, ms). */
export interface FrontMeasurement {
  /** Leading layers frozen (the plan's freezeBelowDepth) and their share of the forward FLOPs. */
  readonly depth: number;
  readonly flopShare: number;
  /** SGD-with-momentum update of every parameter, from ready gradients. */
  readonly updateMs: number;
  /** A step with the front frozen (no dW, no dX below it), its forward run in full. */
  readonly frontStepMs: number;
  /**
   * The same step from the frozen prefix's cached output (the trainer's prefix cache computes
   * it once per sample, then reuses it): the tail's forward and backward only.
   */
  readonly cachedFrontStepMs: number;
}

/** A plan the backend cannot run (stock tfjs wasm has no Conv2DBackpropFilter): NaN, and why. */
const missingKernel = (e: unknown) => e instanceof Error && /not registered|not found/i.test(e.message);

export interface KernelTime {
  readonly name: string;
  readonly ms: number;
  readonly calls: number;
}

export interface StepProfile {
  /** Sum of all kernel times of the profiled step. */
  readonly kernelMs: number;
  /** Conv2DBackpropFilter + the weight-side BatchMatMul (output shaped like a dense kernel). */
  readonly weightGradMs: number;
  /** Optimizer arithmetic on weight-shaped tensors (momentum buffer, update). */
  readonly weightUpdateMs: number;
  readonly top: readonly KernelTime[];
}

export interface Measurement {
  readonly forwardMs: number;
  readonly fullStepMs: number;
  readonly biasOnlyStepMs: number;
  /** Per-repetition times (after warm-up), for the record. */
  readonly runs: { readonly forward: number[]; readonly full: number[]; readonly biasOnly: number[] };
  /** Median absolute deviation / median of the full-step runs: how noisy this measurement was. */
  readonly fullStepSpread: number;
  /** Why the full step could not run (a kernel the backend lacks), if it could not. */
  readonly fullStepError?: string;
  readonly parameters: number;
  readonly full?: StepProfile;
  readonly biasOnly?: StepProfile;
  readonly front?: FrontMeasurement;
}

/** The "forward" plan: no group updated, so Trainer.trainStep runs its forward-only path. */
const FORWARD_ONLY: UpdatePlan = { groups: [] };

/**
 * Times one model on the active backend through `Trainer.trainStep`, exactly what training
 * runs: the forward-only path (training-mode forward + loss), a FULL_UPDATE step and a
 * skipWeights() step (biases + BN shifts only). Each repetition runs the three in turn, so
 * load changes on a shared machine hit all three alike; the result is the median of `reps`
 * repetitions after `warmup` untimed ones. Every timed call ends by reading the loss back.
 */
export async function measureModel(spec: BenchModel, o: MeasureOptions): Promise<Measurement> {
  const model = spec.build(o.width, 1);
  try {
    const data = toyDataset({ count: o.batch, sampleShape: spec.inputShape, numClasses: spec.numClasses, seed: 7 });
    const optimizer = new Sgd({ momentum: 0.9 });
    const trainer = new Trainer({
      model,
      data,
      optimizer,
      policy: { description: 'bench', plan: () => FULL_UPDATE },
      epochs: 1,
      batchSize: o.batch,
      lr: 0.01,
      seed: 1,
    });
    const batch = [...data.train.batches({ batchSize: o.batch })][0]!;
    const bias = skipWeights();
    const step = async (plan: UpdatePlan): Promise<number> => {
      const t = performance.now();
      const out = trainer.trainStep(batch.x, batch.y, plan);
      await out.lossSum.data();
      const ms = performance.now() - t;
      tf.dispose([out.lossSum, out.correct]);
      return ms;
    };
    const runs = { forward: [] as number[], full: [] as number[], biasOnly: [] as number[] };
    const front = o.frontShare === undefined ? undefined : frontTimer(model, trainer, optimizer, batch, o.frontShare);
    let fullFails: string | undefined;
    const tryStep = async (plan: UpdatePlan): Promise<number> => {
      if (fullFails !== undefined) return Number.NaN;
      try {
        return await step(plan);
      } catch (e) {
        if (!missingKernel(e)) throw e;
        fullFails = (e as Error).message.split('\n')[0]!;
        return Number.NaN;
      }
    };
    for (let r = 0; r < o.warmup + o.reps; r++) {
      const f = await step(FORWARD_ONLY);
      const u = await tryStep(FULL_UPDATE);
      const b = await step(bias);
      const fr = front === undefined ? undefined : { step: await step(front.plan), cached: await front.cachedStep(), update: await front.update() };
      if (r >= o.warmup) {
        runs.forward.push(f);
        runs.full.push(u);
        runs.biasOnly.push(b);
        if (fr !== undefined) front!.runs.push(fr);
      }
    }
    let full: StepProfile | undefined;
    let biasOnly: StepProfile | undefined;
    if (o.profile) {
      if (fullFails === undefined) full = await profileStep(model, o.batch, () => trainer.trainStep(batch.x, batch.y, FULL_UPDATE));
      biasOnly = await profileStep(model, o.batch, () => trainer.trainStep(batch.x, batch.y, bias));
    }
    tf.dispose([batch.x, batch.y]);
    front?.dispose();
    return {
      forwardMs: median(runs.forward),
      fullStepMs: median(runs.full),
      biasOnlyStepMs: median(runs.biasOnly),
      runs,
      fullStepSpread: relativeSpread(runs.full),
      ...(fullFails === undefined ? {} : { fullStepError: fullFails }),
      parameters: model.parameters.reduce((n, p) => n + p.variable.size, 0),
      ...(full === undefined ? {} : { full }),
      ...(biasOnly === undefined ? {} : { biasOnly }),
      ...(front === undefined
        ? {}
        : {
            front: {
              depth: front.depth,
              flopShare: front.flopShare,
              updateMs: median(front.runs.map((x) => x.update)),
              frontStepMs: median(front.runs.map((x) => x.step)),
              cachedFrontStepMs: median(front.runs.map((x) => x.cached)),
            },
          }),
    };
  } finally {
    model.dispose();
  }
}

/**
 * The front-scope plan (as WUS's scope "front" builds it: depthForCostShare) and timers for the
 * update alone and for the front step on cached prefix output. The update is the trainer's
 * optimizer applied to zero gradients at LR 0: the same kernels as a step's update, the weights
 * unchanged. The prefix output is computed once, in inference mode, as the cache does.
 */
function frontTimer(model: Model, trainer: Trainer, optimizer: Sgd, batch: { x: tf.Tensor; y: tf.Tensor1D }, share: number) {
  const structure = model.structure ?? describeStructure(model.name, model.parameters);
  const depth = depthForCostShare(structure, share);
  const flopShare = structure.layers.filter((l) => l.depth < depth).reduce((n, l) => n + l.flops, 0) / structure.flops;
  const stages = model.stages;
  const prefix = stages === undefined ? 0 : stages.frozenPrefix(depth);
  const plan: UpdatePlan = { groups: FULL_UPDATE.groups, freezeBelowDepth: depth };
  const cachedInput = prefix === 0 ? batch.x : tf.tidy(() => stages!.forwardRange(batch.x, 0, prefix, false));
  const grads = model.parameters.map((param) => ({ param, grad: tf.zerosLike(param.variable), lr: 0 }));
  const runs: { step: number; cached: number; update: number }[] = [];
  const timed = async (run: () => tf.Tensor[]): Promise<number> => {
    const t = performance.now();
    const out = run();
    // Reading one value back waits for the device, as a step's loss does.
    await (out[0] ?? model.parameters[0]!.variable).data();
    const ms = performance.now() - t;
    tf.dispose(out);
    return ms;
  };
  return {
    depth,
    flopShare,
    plan,
    runs,
    cachedStep: () => timed(() => Object.values(trainer.trainStep(cachedInput, batch.y, plan, prefix))),
    update: () =>
      timed(() => {
        optimizer.apply(grads);
        return [];
      }),
    dispose: () => tf.dispose([...grads.map((g) => g.grad), ...(prefix === 0 ? [] : [cachedInput])]),
  };
}

/**
 * One step under tf.profile. Kernel times come from the backend (wasm and cpu time each kernel
 * synchronously). Weight-gradient kernels: every Conv2DBackpropFilter; each BatchMatMul whose
 * output has a dense kernel's shape (the weight side of a dense layer's gradient; the input side
 * has the activation's shape) and the Transpose of the layer input feeding it (output
 * [fan-in, batch]). Weight update: the optimizer's arithmetic on tensors shaped like a weight
 * (conv kernels rank 4, dense kernels rank 2; biases are rank 1).
 */
async function profileStep(model: Model, batch: number, run: () => { lossSum: tf.Scalar; correct: tf.Scalar }): Promise<StepProfile> {
  const weights = model.parameters.filter((p) => p.group === 'weight').map((p) => p.variable.shape);
  const weightShapes = new Set(weights.map((s) => s.join('x')));
  const inputTransposes = new Set(weights.filter((s) => s.length === 2).map((s) => `${s[0]}x${batch}`));
  const info = await tf.profile(async () => {
    const out = run();
    await out.lossSum.data();
    tf.dispose([out.lossSum, out.correct]);
  });
  let kernelMs = 0;
  let weightGradMs = 0;
  let weightUpdateMs = 0;
  const byName = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    kernelMs += ms;
    const e = byName.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += ms;
    e.calls++;
    byName.set(k.name, e);
    const out = (k.outputShapes[0] ?? []) as number[];
    const shape = (k.name === 'BatchMatMul' && out.length === 3 && out[0] === 1 ? out.slice(1) : out).join('x');
    const weightShaped = out.length >= 2 && weightShapes.has(shape);
    const inputTranspose = k.name === 'Transpose' && out.length === 2 && inputTransposes.has(out.join('x'));
    if (k.name === 'Conv2DBackpropFilter' || (k.name === 'BatchMatMul' && weightShaped) || inputTranspose) weightGradMs += ms;
    else if (weightShaped && k.name !== 'Transpose' && k.name !== 'Reshape') weightUpdateMs += ms;
  }
  const top = [...byName.entries()]
    .map(([name, e]) => ({ name, ms: e.ms, calls: e.calls }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 10);
  return { kernelMs, weightGradMs, weightUpdateMs, top };
}
