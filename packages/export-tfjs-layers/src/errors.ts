import { WusError } from '@wus/core';

/**
 * A model the converter cannot express, or an output directory it may not write: the user's to
 * fix (another model, another directory), so a usage error (exit 2), never a broken file.
 */
export class ExportError extends WusError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFIG', message, options);
  }
}
