import * as tf from '@tensorflow/tfjs-core';
import {
  CheckpointError,
  ConfigError,
  FULL_UPDATE,
  InterruptedError,
  Trainer,
  type StopSignal,
  type Optimizer,
  backendMemory,
  deriveSeed,
  describePosition,
  fingerprintDataset,
  normalizeSpec,
  saveState,
  probeRequiredKernels,
  selectBackend,
  skipWeights,
  type BackendChoice,
  type Callback,
  type CheckpointSink,
  type DatasetBundle,
  type DatasetFingerprint,
  type KernelPackage,
  type Model,
  type PluginRegistry,
  type PluginSpec,
  type SkipPolicy,
  type TrainerCheckpoint,
  type TrainResult,
  type TrainerOptions,
  WusError,
} from '@wus/core';
import {
  MLFLOW_TAGS,
  SYSTEM_METRIC_PREFIX,
  SystemMetricsCallback,
  TrackingCallback,
  datasetInputs,
  flattenParams,
  metricPointId,
  validateRegisteredModelName,
  type DatasetInput,
  type LocalRunStore,
  type RunDetails,
  type RunHandle,
  type Tracker,
} from '@wus/tracking';
import { probeCachePath, probeOptionalKernels, type OptionalKernels } from './kernel-probe.js';
import { inject, injectable } from 'tsyringe';
import { experimentOf, type TrainConfig } from '../config/schema.js';
import { TOKENS, type Output } from '../container.js';
import type { EvaluationProgress } from '../progress/evaluation-progress.js';
import { ProgressCallback } from '../progress/progress-callback.js';
import { ProgressClock } from '../progress/progress-clock.js';
import { buildOptimizer } from './build-optimizer.js';
import { checkSameData, checkpointDirectory, checkpointSink, latestCheckpoint } from './checkpointing.js';
import { importPluginModule } from './plugin-import.js';
import { provenanceTags } from './provenance.js';
import { CONFIG_ARTIFACT, ROLE_TAG, TRIAL_TAG, withResumeHint } from './resume.js';
import { WEIGHTS_FORMAT, serializeWeights } from './weights.js';

const WARM_UP_STEPS = 400;

/** Dataset options that have their own config key (and flag) may not come in `datasetOptions`. */
const GENERIC_DATASET_OPTIONS: Record<string, string> = { dataDir: '--data-dir', validationFraction: '--val-fraction', seed: '--seed', limit: '--limit' };

function datasetOptions(config: TrainConfig): Record<string, unknown> {
  for (const key of Object.keys(config.datasetOptions)) {
    const flag = GENERIC_DATASET_OPTIONS[key];
    if (flag !== undefined) throw new ConfigError(`dataset option "${key}" has its own setting: use ${flag} (config key "${key}") instead`);
  }
  return config.datasetOptions;
}

/** What every trial of a study shares: data (loaded once), backend, provenance. */
export interface Session {
  readonly config: TrainConfig;
  /** The experiment its runs go to (`--experiment`, else `wus-<dataset>`). */
  readonly experiment: string;
  readonly data: DatasetBundle;
  /** The data set's splits as MLflow data-set inputs, logged with every run. */
  readonly datasets: readonly DatasetInput[];
  /** What identifies the data (checkpoints carry it; a resumed run must load the same). */
  readonly fingerprint: DatasetFingerprint;
  readonly backend: BackendChoice;
  /** MLflow's `mlflow.user`, `mlflow.source.*` tags. */
  readonly provenance: Readonly<Record<string, string>>;
  /** Epochs done of every trial to come, elapsed time and ETA, for the progress lines. */
  readonly progress: ProgressClock;
}

export interface TrialOutcome {
  readonly label: string;
  readonly policy: string;
  readonly runId: string;
  readonly result: TrainResult;
}

/** A trial opened for training: its own model, optimizer, policy state and run. */
export interface OpenTrial {
  readonly label: string;
  readonly spec: PluginSpec;
  readonly description: string;
  readonly trainer: Trainer;
  readonly run: RunHandle;
  readonly model: Model;
  readonly optimizer: Optimizer;
  /** Where a resumed trial goes on from (undefined: it starts from scratch). */
  readonly checkpoint: TrainerCheckpoint | undefined;
}

/** A run's name: descriptive, and unique among the trials of a study (`lenet5 · wus · seed 42`). */
export function trialRunName(config: Pick<TrainConfig, 'model' | 'seed'>, label: string): string {
  return `${config.model} · ${label} · seed ${config.seed}`;
}

/** MLflow's metrics of the system while a run trains: tfjs's tensors and, on wasm, its heap. */
function backendGauges(): Record<string, number> {
  const m = backendMemory();
  return {
    tfjs_num_tensors: m.tensors,
    tfjs_memory_megabytes: m.bytes / 1e6,
    ...(m.wasmHeapBytes === undefined ? {} : { wasm_heap_megabytes: m.wasmHeapBytes / 1e6 }),
  };
}

/** How a trial starts: a new run, or an existing one resumed (from its newest checkpoint, if any). */
export interface TrialOptions {
  readonly label: string;
  readonly parentRunId?: string;
  readonly resumeRunId?: string;
  /** Reopen `resumeRunId` even if it looks live elsewhere (a queue re-delivered its trial: see ResumeRunOptions). */
  readonly takeOver?: boolean;
  /** Tags beyond the standard ones (a sweep's trial: its sweep, key and worker), set on start and on resume. */
  readonly tags?: Readonly<Record<string, string>>;
  /** What resumes the trial after a stop, named in the error (default: `wus train --resume` of its own run). */
  readonly resumedBy?: { readonly command: 'train' | 'sweep'; readonly runId: string };
}

/** Turns a resolved configuration into trained, tracked trials. */
@injectable()
export class ExperimentRunner {
  constructor(
    @inject(TOKENS.Registry) private readonly registry: PluginRegistry,
    @inject(TOKENS.Tracker) private readonly tracker: Tracker,
    @inject(TOKENS.RunStore) private readonly store: LocalRunStore,
    @inject(TOKENS.Output) private readonly output: Output,
    @inject(TOKENS.Stop) private readonly stop: StopSignal,
    @inject(TOKENS.Kernels) private readonly kernels: readonly KernelPackage[],
    @inject(TOKENS.OptionalKernels) private readonly optional: OptionalKernels,
  ) {}

  /**
   * Loads third-party plugins, checks every plugin name and option the run will use (so a typo
   * fails in a second, not after the baseline has trained), then loads the data set and picks
   * the backend the model can train on.
   */
  async open(config: TrainConfig, policies: readonly PluginSpec[] = [config.policy], options: { resuming?: boolean } = {}): Promise<Session> {
    // A tracker that cannot work (a bad MLflow URI, not an MLflow server, refused credentials) fails now.
    await this.tracker.prepare?.(experimentOf(config));
    if (config.registerModel !== undefined) {
      try {
        validateRegisteredModelName(config.registerModel);
      } catch (e) {
        throw new ConfigError(`--register-model: MLflow would refuse it. ${(e as Error).message}`);
      }
    }
    for (const specifier of config.plugins) await this.registry.load(specifier, importPluginModule);
    this.registry.get('model', config.model);
    // Options are checked here, before the data loads; pre-flight checks plans on the model after.
    // A resumed run's plugins must be able to save and restore their state: checked now too.
    const listeners: [object, string][] = [
      ...policies.map((spec): [object, string] => [this.registry.createPolicy(spec), `skip policy "${normalizeSpec(spec).name}"`]),
      ...config.callbacks.map((spec): [object, string] => [this.registry.createCallback(spec), `callback "${normalizeSpec(spec).name}"`]),
      ...(config.lrSchedule === undefined ? [] : [[this.registry.createScheduler(config.lrSchedule), `LR schedule "${normalizeSpec(config.lrSchedule).name}"`] as [object, string]]),
    ];
    if (options.resuming === true) for (const [l, what] of listeners) saveState(l, what);
    const datasetPlugin = this.registry.get('dataset', config.dataset);
    const data = await datasetPlugin.create(
      {
        ...datasetOptions(config),
        dataDir: config.dataDir,
        validationFraction: config.validationFraction,
        seed: config.seed,
        ...(config.limit === undefined ? {} : { limit: config.limit }),
      },
      { registry: this.registry },
    );
    const requiredKernels = await probeRequiredKernels(
      () => this.buildModel(config, data),
      (model) => this.preflight(config, data, model, policies),
    );
    const { kernels, note } = config.backend === 'auto' ? await this.chooseKernels() : { kernels: this.kernels, note: undefined };
    const backend = await selectBackend(config.backend, { requiredKernels, kernels });
    this.output.err(`data: ${data.name} from ${data.source} (${data.train.count} train, ${data.validation?.count ?? 0} validation, ${data.test?.count ?? 0} test)`);
    this.output.err(`backend: ${backend.name} (${backend.reason})`);
    if (note !== undefined) this.output.err(`kernels: ${note}`);
    return {
      config,
      experiment: experimentOf(config),
      data,
      datasets: datasetInputs(data),
      fingerprint: fingerprintDataset(data),
      backend,
      provenance: provenanceTags(),
      progress: new ProgressClock(policies.length * config.epochs),
    };
  }

  /**
   * `auto`: keeps the optional (native) kernel package only where the probe finds training faster
   * with it on the wasm backend; says which and why. Where it cannot load, selection reports that.
   */
  private async chooseKernels(): Promise<{ kernels: readonly KernelPackage[]; note?: string }> {
    const { pkg } = this.optional;
    const loads = await pkg.register().then(
      () => true,
      () => false,
    );
    if (!loads) return { kernels: this.kernels };
    const base = this.kernels.filter((p) => p !== pkg);
    const v = await probeOptionalKernels('wasm', base, this.optional);
    const how = `probe step ${v.withMs.toFixed(1)} ms with, ${v.withoutMs.toFixed(1)} ms without${v.cached ? `, cached in ${probeCachePath()}` : ''}`;
    return v.use ? { kernels: this.kernels, note: `${pkg.name} used: faster here (${how})` } : { kernels: base, note: `${pkg.name} not used: not faster here (${how})` };
  }

  /**
   * Gives every policy the model's structure and asks for its first plan, as training will, on
   * the throwaway model of the kernel probe: a scope the model cannot have or a plan naming
   * nothing real fails now, before any trial trains.
   */
  private async preflight(config: TrainConfig, data: DatasetBundle, model: Model, policies: readonly PluginSpec[]): Promise<void> {
    for (const spec of policies) {
      const policy = this.registry.createPolicy(spec);
      const trainer = new Trainer({ model, data, optimizer: buildOptimizer(config), policy, epochs: config.epochs, batchSize: config.batchSize, lr: config.lr, seed: config.seed, prefixCacheBytes: config.prefixCache });
      await policy.onTrainBegin?.(trainer.context());
      trainer.checkPlan(policy.plan({ ...trainer.context(), epoch: 0 }));
    }
  }

  buildModel(config: TrainConfig, data: DatasetBundle): Model {
    return this.registry.get('model', config.model).create(
      { ...config.modelOptions, inputShape: data.train.sampleShape, numClasses: data.numClasses, seed: deriveSeed(config.seed, 'model') },
      { registry: this.registry },
    );
  }

  /**
   * Runs untimed full and bias-only steps (up to an epoch, at most 400) and an evaluation pass
   * on a throwaway model, so the first trial (the baseline) does not pay one-off costs (wasm
   * compilation and memory growth, V8 optimisation, kernel threads) that later trials skip —
   * which would inflate every "time saved". Measured with `-P never,never,never` on LeNet-5:
   * with 60 warm-up steps the first trial's epochs ran ~5 % slower than the identical later
   * ones; with a full epoch the three agree within noise. Yields between steps, as training
   * does, so timers (a sweep worker's lock renewal) run meanwhile.
   */
  async warmUp(session: Session): Promise<void> {
    const model = this.buildModel(session.config, session.data);
    const optimizer = buildOptimizer(session.config);
    const trainer = this.trainer(session, model, this.registry.createPolicy('never'), [], optimizer);
    const batches = session.data.train.batches({ batchSize: session.config.batchSize, dropRemainder: true });
    let i = 0;
    for (const b of batches) {
      tf.dispose(Object.values(trainer.trainStep(b.x, b.y, i % 2 === 0 ? FULL_UPDATE : skipWeights())));
      tf.dispose([b.x, b.y]);
      if (++i === WARM_UP_STEPS) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (session.data.validation !== undefined) await trainer.evaluate(session.data.validation);
    model.dispose();
    optimizer.dispose();
  }

  /** Loss and accuracy of `model` on the test split, as a trial's trainer evaluates it. */
  async evaluate(session: Session, model: Model, split: NonNullable<DatasetBundle['test']>, progress?: EvaluationProgress): Promise<Record<string, number>> {
    const optimizer = buildOptimizer(session.config);
    try {
      return { ...(await this.trainer(session, model, this.registry.createPolicy('never'), [], optimizer, { onEvaluationProgress: progress?.report }).evaluate(split, 'test')) };
    } finally {
      optimizer.dispose();
    }
  }

  private trainer(
    session: Session,
    model: Model,
    policy: SkipPolicy,
    callbacks: Callback[],
    optimizer: Optimizer = buildOptimizer(session.config),
    extra: { checkpoints?: CheckpointSink | undefined; onEvaluationProgress?: TrainerOptions['onEvaluationProgress'] | undefined } = {},
  ): Trainer {
    const c = session.config;
    return new Trainer({
      model,
      data: session.data,
      optimizer,
      prefixCacheBytes: c.prefixCache,
      testEveryEpoch: c.testEveryEpoch,
      stop: this.stop,
      ...(extra.checkpoints === undefined ? {} : { checkpoints: extra.checkpoints }),
      ...(extra.onEvaluationProgress === undefined ? {} : { onEvaluationProgress: extra.onEvaluationProgress }),
      policy,
      ...(c.lrSchedule === undefined ? {} : { scheduler: this.registry.createScheduler(c.lrSchedule) }),
      callbacks,
      epochs: c.epochs,
      batchSize: c.batchSize,
      lr: c.lr,
      seed: c.seed,
    });
  }

  /** One trial, start (or resume) to end: a tracked run (child of `parentRunId` when part of a study). */
  async runTrial(session: Session, policy: PluginSpec, options: TrialOptions): Promise<TrialOutcome> {
    const trial = await this.openTrial(session, policy, options);
    try {
      await this.startTrial(trial);
      while (!trial.trainer.done) await trial.trainer.trainEpoch();
      return await this.finishTrial(session, trial, await trial.trainer.end());
    } catch (e) {
      await this.failTrial(trial, e);
      const by = options.resumedBy ?? { command: 'train', runId: trial.run.id };
      throw e instanceof WusError ? withResumeHint(e, by.command, by.runId, session.config) : e;
    }
  }

  /** Begins training, or goes on from the trial's checkpoint. */
  async startTrial(trial: OpenTrial): Promise<void> {
    if (trial.checkpoint === undefined) await trial.trainer.begin();
    else await trial.trainer.resume(trial.checkpoint);
  }

  /**
   * Builds a trial's model, optimizer, policy and trainer and opens its run — a new one, or the
   * one `resumeRunId` names, reopened, with its newest checkpoint; nothing trains yet.
   */
  async openTrial(session: Session, policy: PluginSpec, options: TrialOptions): Promise<OpenTrial> {
    const c = session.config;
    // Bad policy options fail here, before a run is opened for them.
    const skipPolicy = this.registry.createPolicy(policy);
    const description = skipPolicy.description;
    const found = options.resumeRunId === undefined ? undefined : await latestCheckpoint(await checkpointDirectory(this.store, options.resumeRunId));
    if (found !== undefined) checkSameData(found.checkpoint, found.file, session.fingerprint);
    if (options.resumeRunId !== undefined) {
      this.output.err(`${options.label}: resuming run ${options.resumeRunId.slice(0, 8)}: ${found === undefined ? 'no checkpoint was written, starting over' : describePosition(found.checkpoint)}`);
      session.progress.alreadyDone(found?.checkpoint.position.epochsDone ?? 0);
    }
    const run =
      options.resumeRunId !== undefined ? await this.tracker.resumeRun(options.resumeRunId, { takeOver: options.takeOver === true }) : await this.startTrialRun(session, policy, description, options);
    if (options.resumeRunId !== undefined && options.tags !== undefined) await run.setTags(options.tags);
    const model = this.buildModel(c, session.data);
    const optimizer = buildOptimizer(c);
    // What the run already holds is not logged again (the stopped process may have logged an
    // epoch after its last checkpoint, which is now redone); system samples go on after its last.
    const prior = options.resumeRunId === undefined ? undefined : await this.priorLogging(run.id);
    const logged = prior?.alreadyLogged;
    const progress = new ProgressCallback(options.label, this.output, session.progress);
    const callbacks: Callback[] = [
      ...c.callbacks.map((spec) => this.registry.createCallback(spec)),
      progress,
      new SystemMetricsCallback(run, { intervalMs: c.systemMetricsInterval * 1000, gauges: backendGauges, firstStep: prior?.systemStep ?? 0 }),
      new TrackingCallback(run, { endRunOnTrainEnd: false, ...(logged === undefined ? {} : { alreadyLogged: logged }) }),
    ];
    const sink = checkpointSink(await checkpointDirectory(this.store, run.id, Math.max(1, c.keepCheckpoints)), c, { data: session.fingerprint });
    const trainer = this.trainer(session, model, skipPolicy, callbacks, optimizer, { checkpoints: sink, onEvaluationProgress: progress.onEvaluationProgress });
    return { label: options.label, spec: policy, description, trainer, run, model, optimizer, checkpoint: found?.checkpoint };
  }

  private async startTrialRun(session: Session, policy: PluginSpec, description: string, options: TrialOptions): Promise<RunHandle> {
    const c = session.config;
    const name = normalizeSpec(policy).name;
    const run = await this.tracker.startRun({
      name: trialRunName(c, options.label),
      experiment: session.experiment,
      ...(options.parentRunId === undefined ? {} : { parentRunId: options.parentRunId }),
      params: flattenParams({ ...c, policy: normalizeSpec(policy), policies: undefined }),
      tags: this.tags(session, {
        [ROLE_TAG]: 'trial',
        [TRIAL_TAG]: options.label,
        policy: name,
        'policy.description': description,
        [MLFLOW_TAGS.note]: trialNote(session, options.label, this.registry.get('skip-policy', name).description, description),
        ...options.tags,
      }),
    });
    // The resolved configuration, from the start: what `--resume` continues and `evaluate` rebuilds.
    await run.logArtifact(CONFIG_ARTIFACT, JSON.stringify({ ...c, policy: normalizeSpec(policy), backend: session.backend.name }, null, 2));
    await run.logInputs(session.datasets);
    // On a server, the run exists (and its page was announced) before it trains; bounded wait.
    await run.flush();
    return run;
  }

  /** What a resumed run logged before: every metric point, and the step its system samples go on at. */
  private async priorLogging(runId: string): Promise<{ alreadyLogged: Set<string>; systemStep: number }> {
    const { metrics } = await this.store.getRun(runId);
    const points = Object.values(metrics).flat();
    const system = points.filter((p) => p.key.startsWith(SYSTEM_METRIC_PREFIX)).map((p) => p.step + 1);
    return { alreadyLogged: new Set(points.map((p) => metricPointId(p.key, p.step))), systemStep: Math.max(0, ...system) };
  }

  /** Saves a trained trial's model, ends its run FINISHED and frees its tensors. */
  async finishTrial(session: Session, trial: OpenTrial, result: TrainResult): Promise<TrialOutcome> {
    try {
      await this.saveModel(trial, session, result);
      await trial.run.end('FINISHED');
      return { label: trial.label, policy: trial.description, runId: trial.run.id, result };
    } finally {
      this.dispose(trial);
    }
  }

  /** Ends a trial's run — KILLED when a signal stopped it, else FAILED — and frees its tensors (idempotent). */
  async failTrial(trial: OpenTrial, error?: unknown): Promise<void> {
    this.dispose(trial);
    await trial.run.end(error instanceof InterruptedError ? 'KILLED' : 'FAILED');
  }

  private dispose(trial: OpenTrial): void {
    if (trial.model.parameters[0]?.variable.isDisposed === true) return;
    trial.model.dispose();
    trial.optimizer.dispose();
  }

  /** MLflow UI links of a run, when runs go to MLflow and this one reached it. */
  async runLinks(runId: string, experiment: string): Promise<{ run: string; experiment: string } | undefined> {
    return this.tracker.runLinks?.(runId, experiment);
  }

  /** Opens a study's run and logs its configuration (what `--resume` continues) and data sets. */
  async startStudy(session: Session, name: string, config: Record<string, unknown>, note: string): Promise<RunHandle> {
    const run = await this.tracker.startRun({
      name,
      experiment: session.experiment,
      params: flattenParams(config),
      tags: this.tags(session, { [ROLE_TAG]: 'study', [MLFLOW_TAGS.note]: note }),
    });
    await run.logArtifact(CONFIG_ARTIFACT, JSON.stringify({ ...config, backend: session.backend.name }, null, 2));
    await run.logInputs(session.datasets);
    return run;
  }

  resumeStudy(runId: string): Promise<RunHandle> {
    return this.tracker.resumeRun(runId);
  }

  /** The trial runs of a study, by label. */
  async trialRuns(studyRunId: string): Promise<Map<string, RunDetails>> {
    const out = new Map<string, RunDetails>();
    for (const r of await this.store.listRuns({ parentRunId: studyRunId })) {
      const d = await this.store.getRun(r.runId);
      const label = d.tags[TRIAL_TAG];
      if (label !== undefined) out.set(label, d);
    }
    return out;
  }

  /** The outcome of a trial that finished before its study was interrupted, from its final checkpoint. */
  async finishedTrial(run: RunDetails): Promise<TrialOutcome> {
    const found = await latestCheckpoint(await checkpointDirectory(this.store, run.info.runId));
    if (found?.checkpoint.result == null) {
      throw new CheckpointError('corrupt', `trial ${run.info.name} (run ${run.info.runId}) finished but its final checkpoint is missing; the study cannot be completed from it`);
    }
    return { label: run.tags[TRIAL_TAG]!, policy: run.tags['policy.description'] ?? run.info.name, runId: run.info.runId, result: found.checkpoint.result };
  }

  private tags(session: Session, extra: Record<string, string>): Record<string, string> {
    return {
      // The user's own first: the tags wus sets mean what they say.
      ...session.config.tags,
      backend: session.backend.name,
      'backend.reason': session.backend.reason,
      model: session.config.model,
      dataset: session.data.name,
      'dataset.source': session.data.source,
      ...session.provenance,
      ...extra,
    };
  }

  /**
   * The trained model: its weights (a tfjs-style manifest and one float32 blob, `weights/`),
   * logged as the run's model — in MLflow a logged model named after the architecture,
   * registered when `--register-model` asks.
   */
  private async saveModel(trial: OpenTrial, session: Session, result: TrainResult): Promise<void> {
    const c = session.config;
    const weights = serializeWeights(trial.model);
    await trial.run.logModel({
      name: c.model,
      artifactPath: 'weights',
      files: { 'manifest.json': weights.manifest, 'weights.bin': weights.data },
      modelType: WEIGHTS_FORMAT,
      step: result.epochs.length,
      params: flattenParams({ model: c.model, ...c.modelOptions, dataset: session.data.name, policy: normalizeSpec(trial.spec).name }),
      tags: { [TRIAL_TAG]: trial.label, backend: session.backend.name },
      ...(c.registerModel === undefined ? {} : { registeredModelName: c.registerModel }),
    });
  }
}

/** A trial's MLflow description (markdown): what its policy does, in the plugin's words and as configured. */
function trialNote(session: Session, label: string, pluginDescription: string, resolved: string): string {
  const c = session.config;
  return [
    `**${label}** — ${pluginDescription.replace(/\.$/, '')}.`,
    '',
    `Policy as configured: \`${resolved}\`.`,
    '',
    `${c.model} on ${session.data.name}, ${c.epochs} epochs, batch ${c.batchSize}, ${c.optimizer} lr ${c.lr}, seed ${c.seed}, backend ${session.backend.name}.`,
  ].join('\n');
}
