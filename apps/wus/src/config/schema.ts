import { BACKEND_PREFERENCE, pluginSpecSchema as pluginSpec } from '@wus/core';
import { z } from 'zod';

const UNITS: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KIB: 1024, MIB: 1024 ** 2, GIB: 1024 ** 3 };

/** `512MiB`, `2GiB`, `1e9` (bytes) or `off` (0) → bytes; anything else is a clear error. */
export const sizeSchema = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const m = typeof v === 'number' ? null : /^\s*([0-9]*\.?[0-9]+(?:e[0-9]+)?)\s*([a-z]*)\s*$/i.exec(v);
  const bytes = v === 'off' ? 0 : typeof v === 'number' ? v : m === null ? Number.NaN : Number(m[1]) * (m[2] === '' ? 1 : (UNITS[m[2]!.toUpperCase()] ?? Number.NaN));
  if (!(Number.isFinite(bytes) && bytes > 0) && v !== 'off') {
    ctx.addIssue({ code: 'custom', message: 'must be a positive size such as 512MiB or 2GiB (or "off")' });
    return z.NEVER;
  }
  return Math.floor(bytes);
});

/**
 * Everything one training run needs. Defaults are the main job's: the MLP on Fashion-MNIST,
 * SGD with momentum, a few minutes on two CPU cores.
 */
export const trainConfig = z
  .object({
    model: z.string().min(1).default('mlp'),
    modelOptions: z.record(z.string(), z.unknown()).default({}),
    dataset: z.string().min(1).default('fashion-mnist'),
    dataDir: z.string().min(1).optional(),
    /** Options of the dataset plugin beyond the generic ones below (e.g. `padTo`, `labels`). */
    datasetOptions: z.record(z.string(), z.unknown()).default({}),
    validationFraction: z.number().min(0).max(0.5).default(0.1),
    limit: z.number().int().positive().optional(),
    epochs: z.number().int().positive().default(15),
    batchSize: z.number().int().positive().default(128),
    lr: z.number().positive().default(0.05),
    optimizer: z.enum(['sgd', 'adam']).default('sgd'),
    momentum: z.number().min(0).max(0.9999).default(0.9),
    weightDecay: z.number().min(0).default(5e-4),
    seed: z.number().int().min(0).default(42),
    backend: z.enum(['auto', ...BACKEND_PREFERENCE]).default('auto'),
    policy: pluginSpec.default('never'),
    /** Host memory the frozen-prefix cache may use (bytes after parsing; 0 = off). */
    prefixCache: sizeSchema.default(1024 ** 3),
    lrSchedule: pluginSpec.optional(),
    /** Callback plugins attached to every trial (`early-stopping`, or loaded with `plugins`). */
    callbacks: z.array(pluginSpec).default([]),
    /** Default `wus-<dataset>` (see defaultExperiment). */
    experiment: z.string().min(1).optional(),
    /** Seconds between system-metric samples while a run trains (0: off). */
    systemMetricsInterval: z.number().min(0).default(10),
    /** Register each trained model as a version of this MLflow registered model. */
    registerModel: z.string().optional(),
    plugins: z.array(z.string().min(1)).default([]),
  })
  .strict();

export const compareConfig = trainConfig
  .extend({
    /** Trials of the study; the first is the baseline the others are compared with. */
    policies: z.array(pluginSpec).min(1).default(['never', 'wus', 'wus-lr']),
    /**
     * epoch: trials advance round-robin, one epoch each per round, the order rotating, so
     * machine noise and drift hit all alike; off: one trial after another.
     */
    interleave: z.enum(['epoch', 'off']).default('epoch'),
    /** Adds a second baseline ("control"): the spread of identical work, printed under the table. */
    control: z.boolean().default(false),
  })
  .strict();

export type TrainConfig = z.output<typeof trainConfig>;

/**
 * The experiment runs go to when none is given: `wus-<dataset>`. One per data set, because
 * runs are compared within an experiment and accuracies compare only on the same data; the
 * `wus-` prefix keeps them apart from MLflow's own `Default` experiment and from other tools'.
 */
export function experimentOf(config: Pick<TrainConfig, 'experiment' | 'dataset'>): string {
  return config.experiment ?? `wus-${config.dataset}`;
}
export type CompareConfig = z.output<typeof compareConfig>;
export type PluginSpecConfig = z.output<typeof pluginSpec>;
