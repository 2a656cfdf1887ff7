import { join } from 'node:path';
import {
  CheckpointError,
  decodeCheckpoint,
  encodeCheckpoint,
  type CheckpointSink,
  type DatasetFingerprint,
  type JsonValue,
  type TrainerCheckpoint,
} from '@wus/core';
import { CheckpointDirectory, type LocalRunStore } from '@wus/tracking';
import type { TrainConfig } from '../config/schema.js';

/** The folder of a run's checkpoints, inside its folder in the local run store. */
export async function checkpointDirectory(store: LocalRunStore, runId: string, keep?: number): Promise<CheckpointDirectory> {
  const { dir } = await store.runFolder(runId);
  return new CheckpointDirectory(join(dir, 'checkpoints'), keep === undefined ? {} : { keep });
}

/** What the app stores in each checkpoint beside the trainer's state: the data it trained on. */
export interface CheckpointApp {
  readonly data: DatasetFingerprint;
}

/** Where a trial's trainer hands its checkpoints (none with `keepCheckpoints: 0`). */
export function checkpointSink(dir: CheckpointDirectory, config: TrainConfig, app: CheckpointApp): CheckpointSink | undefined {
  if (config.keepCheckpoints === 0) return undefined;
  return {
    ...(config.checkpointSteps === undefined ? {} : { everySteps: config.checkpointSteps }),
    app: app as unknown as JsonValue,
    write: async (c) => void (await dir.save(encodeCheckpoint(c))),
  };
}

/**
 * The newest checkpoint of a run, or undefined when it has none. A damaged newest one is refused
 * (never silently skipped: the run would go back further than the user thinks), naming the file
 * and the one before it.
 */
export async function latestCheckpoint(dir: CheckpointDirectory): Promise<{ checkpoint: TrainerCheckpoint; file: string } | undefined> {
  const names = await dir.list();
  const newest = names.at(-1);
  if (newest === undefined) return undefined;
  const file = join(dir.dir, newest);
  try {
    return { checkpoint: decodeCheckpoint(await dir.read(newest), file), file };
  } catch (e) {
    if (!(e instanceof CheckpointError)) throw e;
    const previous = names.at(-2);
    throw new CheckpointError(
      'corrupt',
      `${e.message}; ` +
        (previous === undefined
          ? 'there is no earlier checkpoint: start the run again'
          : `the previous checkpoint is ${join(dir.dir, previous)}: delete the damaged file to resume from it`),
      { cause: e },
    );
  }
}

/** Refuses a checkpoint written on other data than this run now loads. */
export function checkSameData(checkpoint: TrainerCheckpoint, file: string, now: DatasetFingerprint): void {
  const then = (checkpoint.app as unknown as CheckpointApp | null)?.data;
  if (then === undefined) return;
  if (then.digest === now.digest) return;
  const describe = (d: DatasetFingerprint) => `${d.name} from ${d.source} (${d.counts.train} train, ${d.counts.validation} validation, ${d.counts.test} test, [${d.sampleShape.join('×')}])`;
  throw new CheckpointError(
    'mismatch',
    `checkpoint ${file} was written training on ${describe(then)}, but the data loaded now is ${describe(now)} and differs; ` +
      'resume where the same data is found (--data-dir is part of the run\'s settings)',
  );
}
