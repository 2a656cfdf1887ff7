import { ConfigError } from '@wus/core';
import { expandSweep, sweepConfig, type SweepConfig } from '@wus/sweep';
import { readConfigFile } from '../config/load.js';
import { experimentOf, trainConfig } from '../config/schema.js';
import type { PlannedTrial, SweepPlan } from './sweep-records.js';

const where = (path: readonly PropertyKey[]) => (path.length === 0 ? '' : `${path.map(String).join('.')}: `);

/**
 * A sweep file (YAML or JSON) read, validated and expanded into its trials, each trial's
 * configuration validated as `wus train` would: every mistake is found here, before anything
 * is queued or any data loads.
 */
export async function planSweep(file: string): Promise<SweepPlan> {
  const parsed = sweepConfig.safeParse(await readConfigFile(file));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`sweep config ${file}: ${where(issue.path)}${issue.message}`);
  }
  const sweep = parsed.data;
  const expanded = expandSweep(sweep);
  const checked = expanded.map((t) => {
    const result = trainConfig.safeParse(t.config);
    if (result.success) return result.data;
    const issue = result.error.issues[0]!;
    throw new ConfigError(`sweep config ${file}: trial "${t.label}": ${where(issue.path)}${issue.message} (base and grid keys are \`wus train\`'s config keys: \`wus config --schema\`)`);
  });
  // All trials in one experiment (the sweep's run is their parent): the first trial's (the base's, else wus-<dataset>).
  const experiment = experimentOf(checked[0]!);
  const trials: PlannedTrial[] = expanded.map((t) => ({ key: t.key, label: t.label, values: t.values, config: { ...t.config, experiment } }));
  return { name: sweep.name ?? defaultName(sweep), experiment, baseline: sweep.baseline, trials };
}

function defaultName(sweep: SweepConfig): string {
  const varied = [...Object.keys(sweep.grid), ...Object.keys(sweep.random?.space ?? {})];
  return `${String(sweep.base['model'] ?? 'mlp')} over ${varied.join(', ')}`;
}
