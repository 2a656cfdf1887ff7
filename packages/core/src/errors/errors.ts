/**
 * Typed errors. Every failure a user can cause carries a stable `code` (for scripts and exit
 * codes) and a message that says what is wrong and what to do next.
 */
export type WusErrorCode =
  | 'CONFIG'
  | 'DATASET'
  | 'PLUGIN'
  | 'BACKEND'
  | 'STORE'
  | 'TRAINING'
  | 'INTERRUPTED'
  | 'CHECKPOINT'
  | 'QUEUE';

export class WusError extends Error {
  readonly code: WusErrorCode;
  constructor(code: WusErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A bad option, flag or config value. */
export class ConfigError extends WusError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFIG', message, options);
  }
}

/** A missing, corrupt or inconsistent data file. `file` names the culprit. */
export class DatasetError extends WusError {
  readonly file: string | undefined;
  constructor(message: string, file?: string, options?: { cause?: unknown }) {
    super('DATASET', file === undefined ? message : `${file}: ${message}`, options);
    this.file = file;
  }
}

/** An unknown plugin name, a duplicate registration, or a plugin module that cannot load. */
export class PluginError extends WusError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PLUGIN', message, options);
  }
}

/** A requested tfjs backend that cannot be loaded or initialised. */
export class BackendError extends WusError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('BACKEND', message, options);
  }
}

/** Training cannot go on (e.g. the loss became NaN). */
export class TrainingError extends WusError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TRAINING', message, options);
  }
}

/** Training was stopped by a signal (Ctrl-C, SIGTERM) after its current step. */
export class InterruptedError extends WusError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INTERRUPTED', message, options);
  }
}

/**
 * A checkpoint that cannot be written (`write`: disk full, permissions — the previous checkpoint
 * is intact), or read back (`corrupt`: truncated or damaged file; `mismatch`: it belongs to
 * another model, data set or configuration than the run being resumed).
 */
export class CheckpointError extends WusError {
  readonly reason: 'write' | 'corrupt' | 'mismatch';
  constructor(reason: 'write' | 'corrupt' | 'mismatch', message: string, options?: { cause?: unknown }) {
    super('CHECKPOINT', message, options);
    this.reason = reason;
  }
}

/**
 * A stop request shared by whoever receives the signal and the trainers it should stop; the
 * trainer checks it between steps, so a signal takes effect within one step.
 */
export class StopSignal {
  private why: string | undefined;
  get requested(): boolean {
    return this.why !== undefined;
  }
  get reason(): string | undefined {
    return this.why;
  }
  request(reason: string): void {
    this.why ??= reason;
  }
}
