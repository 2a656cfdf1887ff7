import { closestName, gotValue, requirementOf, valueAt } from '@wus/core';
import type { z } from 'zod';
import { COMMAND_OF_KEY } from './schema.js';

/** The flag of each config key that has one, as the user types it. */
export const FLAG_OF: Readonly<Record<string, string>> = {
  model: '--model',
  modelOptions: '--model-option',
  dataset: '--dataset',
  dataDir: '--data-dir',
  datasetOptions: '--dataset-option',
  validationFraction: '--val-fraction',
  limit: '--limit',
  epochs: '--epochs',
  batchSize: '--batch-size',
  lr: '--lr',
  optimizer: '--optimizer',
  momentum: '--momentum',
  weightDecay: '--weight-decay',
  lrSchedule: '--lr-schedule',
  seed: '--seed',
  backend: '--backend',
  policy: '--policy',
  policies: '--policies',
  plugins: '--plugin',
  prefixCache: '--prefix-cache',
  experiment: '--experiment',
  systemMetricsInterval: '--system-metrics-interval',
  registerModel: '--register-model',
  callbacks: '--callback',
  interleave: '--interleave',
  control: '--control',
  keepCheckpoints: '--keep-checkpoints',
  checkpointSteps: '--checkpoint-steps',
  testEveryEpoch: '--test-every-epoch',
  tags: '--tag',
};

/**
 * One line per problem of the run configuration, in the user's terms: the flag as typed when
 * the value came from a flag, the config key and file otherwise, the value given, and what it
 * must be; a misspelt key gets a suggestion.
 */
export function explainConfigIssues(issues: readonly z.core.$ZodIssue[], given: { flags: Record<string, unknown>; file?: string; fileValues: Record<string, unknown> }, known: readonly string[]): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => {
        const where = given.file === undefined ? '' : `${given.file}: `;
        const command = COMMAND_OF_KEY[k];
        if (command !== undefined) return `${where}"${k}" is a setting of \`wus ${command}\` only${k === 'policies' ? '; `wus train` takes one "policy"' : k === 'policy' ? '; `wus compare` takes a list, "policies"' : ''}`;
        const hint = closestName(k, known);
        return `${where}"${k}" is not a setting${hint === undefined ? `; settings are ${known.join(', ')} (\`wus config --schema\` explains each)` : ` (did you mean "${hint}"?)`}`;
      });
    }
    const key = String(issue.path[0] ?? '');
    const value = valueAt(key in given.flags ? given.flags : given.fileValues, issue.path);
    const fromFlag = key in given.flags && FLAG_OF[key] !== undefined;
    const where = fromFlag ? FLAG_OF[key]! : `${given.file === undefined ? '' : `${given.file}: `}${issue.path.join('.') || '(config)'}`;
    return [`${where} ${requirementOf(issue)}${gotValue(value)}`];
  });
}
