import { CheckpointError, ConfigError, InterruptedError, PluginError, TrainingError, WusError } from '@wus/core';
import { TrialFailedForGood, type TrialContext, type TrialJob } from '@wus/sweep';
import { flattenParams, type LocalRunStore, type RunDetails, type Tracker } from '@wus/tracking';
import { inject, injectable } from 'tsyringe';
import { trainConfig, type TrainConfig } from '../config/schema.js';
import { TOKENS, type Output } from '../container.js';
import { ROLE_TAG, TRIAL_TAG } from '../experiment/resume.js';
import { ExperimentRunner, trialRunName } from '../experiment/runner.js';
import { SWEEP_TAGS, trialRuns } from './sweep-records.js';

/** Errors no retry can cure: the trial as configured cannot run, or its training diverged. */
function failsForGood(e: unknown): e is WusError {
  return e instanceof ConfigError || e instanceof PluginError || e instanceof TrainingError || (e instanceof CheckpointError && e.reason !== 'write');
}

/**
 * Runs one trial of a sweep, whichever queue delivered it (this process's or BullMQ's), through
 * the runner every `wus train` goes through. Idempotent: the trial's run is looked up by its
 * sweep and key first — finished, nothing is done; begun, it resumes from its newest
 * checkpoint (the same mechanism as `wus train --resume`); only when none exists is one created.
 */
@injectable()
export class TrialExecutor {
  private warmedUp = false;

  constructor(
    @inject(ExperimentRunner) private readonly runner: ExperimentRunner,
    @inject(TOKENS.RunStore) private readonly store: LocalRunStore,
    @inject(TOKENS.Tracker) private readonly tracker: Tracker,
    @inject(TOKENS.Output) private readonly output: Output,
  ) {}

  async execute(job: TrialJob, context: TrialContext): Promise<void> {
    const parsed = trainConfig.safeParse(job.config);
    if (!parsed.success) return this.failForGood(job, context, new ConfigError(`${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`));
    const config = parsed.data;
    const earlier = (await trialRuns(this.store, job.sweepId)).get(job.key);
    if (earlier?.info.status === 'FINISHED') {
      this.output.err(`trial ${job.label}: finished before (run ${earlier.info.runId.slice(0, 8)}), not trained again`);
      return;
    }
    const failed = earlier?.tags[SWEEP_TAGS.error];
    if (failed !== undefined) throw new TrialFailedForGood(failed);
    try {
      const session = await this.runner.open(config, [config.policy], { resuming: earlier !== undefined });
      // Once per worker: one-off costs (wasm compilation, V8) must not land on its first trial's time.
      if (!this.warmedUp) await this.runner.warmUp(session);
      this.warmedUp = true;
      const tags = { [SWEEP_TAGS.sweep]: job.sweepId, [SWEEP_TAGS.trial]: job.key, [SWEEP_TAGS.worker]: context.worker };
      this.output.err(`trial ${job.label}: ${earlier === undefined ? 'starting' : `resuming run ${earlier.info.runId.slice(0, 8)}`} on ${context.worker} (delivery ${context.attempt})`);
      await this.runner.runTrial(session, config.policy, {
        label: job.label,
        tags,
        resumedBy: { command: 'sweep', runId: job.sweepId },
        // A re-delivered trial's previous worker lost its lock: it is gone, or no longer owns the trial.
        ...(earlier === undefined ? { parentRunId: job.sweepId } : { resumeRunId: earlier.info.runId, takeOver: true }),
      });
    } catch (e) {
      if (failsForGood(e)) return this.failForGood(job, context, e);
      if (e instanceof InterruptedError) throw e;
      this.output.err(`trial ${job.label}: ${e instanceof WusError ? e.message : String(e)}; it goes back to the queue`);
      throw e;
    }
  }

  /**
   * Marks the trial failed once, with its error, on its run (made now if it had none, so MLflow
   * shows every trial), and tells the queue not to retry it.
   */
  private async failForGood(job: TrialJob, context: TrialContext, error: WusError): Promise<never> {
    const message = error.message;
    this.output.err(`trial ${job.label}: failed for good: ${message}`);
    const tags = { [SWEEP_TAGS.sweep]: job.sweepId, [SWEEP_TAGS.trial]: job.key, [SWEEP_TAGS.worker]: context.worker, [SWEEP_TAGS.error]: message };
    const existing: RunDetails | undefined = (await trialRuns(this.store, job.sweepId)).get(job.key);
    const run =
      existing !== undefined
        ? await this.tracker.resumeRun(existing.info.runId, { takeOver: true })
        : await this.tracker.startRun({
            name: trialRunName(job.config as Pick<TrainConfig, 'model' | 'seed'>, job.label),
            experiment: (await this.store.getRun(job.sweepId)).info.experiment,
            parentRunId: job.sweepId,
            params: flattenParams(job.config),
            tags: { [ROLE_TAG]: 'trial', [TRIAL_TAG]: job.label },
          });
    await run.setTags(tags);
    await run.end('FAILED');
    throw new TrialFailedForGood(message, { cause: error });
  }
}
