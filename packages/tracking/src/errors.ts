import { WusError } from '@wus/core';

/** Why a store operation failed; stable, for scripts and tests. */
export type StoreErrorReason =
  | 'run-not-found'
  | 'ambiguous-run-id'
  | 'artifact-not-found'
  | 'param-conflict'
  | 'invalid-input'
  | 'run-ended'
  | 'run-active'
  | 'corrupt'
  | 'io'
  // MLflow tracking server (MlflowTracker, `wus sync`)
  | 'server-unreachable'
  | 'server-auth'
  | 'server-rejected'
  | 'server-config'
  | 'experiment-deleted';

/**
 * Every failure of the run store or a tracker carries the core code `STORE` plus a finer
 * `reason`. Messages say what is wrong and what to do next.
 */
export class StoreError extends WusError {
  readonly reason: StoreErrorReason;
  /** The run concerned, when there is one. */
  readonly runId: string | undefined;
  constructor(
    reason: StoreErrorReason,
    message: string,
    options?: { cause?: unknown; runId?: string },
  ) {
    super('STORE', message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
    this.runId = options?.runId;
  }
}

/** No run (or no unique run) matches the id given. */
export class RunNotFoundError extends StoreError {
  constructor(runId: string, root: string, matches: readonly string[] = []) {
    super(
      matches.length > 1 ? 'ambiguous-run-id' : 'run-not-found',
      matches.length > 1
        ? `Run id "${runId}" is ambiguous in ${root}: it prefixes ${matches.length} runs ` +
            `(${matches.slice(0, 5).join(', ')}${matches.length > 5 ? ', …' : ''}). ` +
            'Give more characters of the id; `wus runs` lists them.'
        : `No run with id "${runId}" in the run store at ${root}. ` +
            'Run `wus runs` to list the runs it holds (or point $WUS_HOME at the right store).',
      { runId },
    );
  }
}

/** A param logged again with a different value: params are immutable, as in MLflow. */
export class ParamConflictError extends StoreError {
  readonly key: string;
  readonly existing: string;
  readonly attempted: string;
  constructor(runId: string, key: string, existing: string, attempted: string) {
    super(
      'param-conflict',
      `Param "${key}" of run ${runId} is already "${existing}" and cannot be changed to ` +
        `"${attempted}": params are immutable. Use a tag for values that change, a metric ` +
        'for values that evolve, or start a new run.',
      { runId },
    );
    this.key = key;
    this.existing = existing;
    this.attempted = attempted;
  }
}

/** A key, name or value that the store refuses (nothing is written). */
export class InvalidTrackingInputError extends StoreError {
  constructor(message: string, runId?: string) {
    super('invalid-input', message, runId === undefined ? undefined : { runId });
  }
}

/**
 * The MLflow tracking server could not be used: unreachable, wrong URI, credentials refused,
 * a request rejected, or the experiment deleted there. The local store is never affected.
 * `errorCode` is MLflow's (e.g. `UNAUTHENTICATED`, `RESOURCE_DOES_NOT_EXIST`) when the server
 * answered.
 */
export class TrackingServerError extends StoreError {
  readonly trackingUri: string;
  readonly errorCode: string | undefined;
  constructor(
    reason: Extract<StoreErrorReason, `server-${string}` | 'experiment-deleted'>,
    message: string,
    options: { trackingUri: string; errorCode?: string; cause?: unknown; runId?: string },
  ) {
    super(reason, message, {
      ...(options.cause === undefined ? {} : { cause: options.cause }),
      ...(options.runId === undefined ? {} : { runId: options.runId }),
    });
    this.trackingUri = options.trackingUri;
    this.errorCode = options.errorCode;
  }
}
