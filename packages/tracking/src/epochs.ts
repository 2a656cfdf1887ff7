import type { EpochRecord } from '@wus/core';

/**
 * Epochs are numbered from 1 wherever a person sees them — the CLI's progress, MLflow steps,
 * plots, the local store: the step of an epoch's metrics is the number of epochs completed, so
 * the final metrics (step = epochs run) line up with the last epoch. Core's `EpochRecord.epoch`
 * stays a 0-based index.
 */
export function epochStep(epoch: Pick<EpochRecord, 'epoch'>): number {
  return epoch.epoch + 1;
}
