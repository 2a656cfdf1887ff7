import { ConfigError, type Model } from '@wus/core';
import type { LocalRunStore, RunDetails } from '@wus/tracking';
import { trainConfig, type TrainConfig } from '../config/schema.js';
import type { ExperimentRunner, Session } from './runner.js';
import { loadWeights } from './weights.js';

/** A trial run that holds a saved model, and the configuration it was trained with. */
export interface SavedRun {
  readonly run: RunDetails;
  readonly config: TrainConfig;
}

/** The trial's trained model, rebuilt, with the data session it was built for. */
export interface RestoredModel extends SavedRun {
  readonly session: Session;
  /** The caller disposes it. */
  readonly model: Model;
}

/**
 * Finds run `id` (a unique prefix is enough) and checks that it saved a model; reads no data.
 * `verb` completes the error for a run without one ("evaluate one of its trials").
 */
export async function findSavedRun(store: LocalRunStore, id: string, verb: string): Promise<SavedRun> {
  const run = await store.getRun(id);
  const names = run.artifacts.map((a) => a.name);
  if (!names.includes('config.json') || !names.includes('weights/manifest.json')) {
    throw new ConfigError(`run ${run.info.runId} (${run.info.name}) has no saved model: it is a study run, or it did not finish; ${verb} one of its trials`);
  }
  const config = trainConfig.parse(JSON.parse((await store.readArtifact(run.info.runId, 'config.json')).toString('utf8')));
  return { run, config };
}

/**
 * Rebuilds a saved run's model: the data set is opened (its shapes and class count define the
 * model), the model built from the run's config, and `weights/` restores every parameter and
 * the BatchNorm statistics.
 */
export async function restoreModel(store: LocalRunStore, runner: ExperimentRunner, saved: SavedRun): Promise<RestoredModel> {
  const runId = saved.run.info.runId;
  const session = await runner.open(saved.config);
  const model = runner.buildModel(saved.config, session.data);
  try {
    loadWeights(model, (await store.readArtifact(runId, 'weights/manifest.json')).toString('utf8'), await store.readArtifact(runId, 'weights/weights.bin'), `run ${runId}`);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { ...saved, session, model };
}
