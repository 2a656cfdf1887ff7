import { BACKEND_PREFERENCE, pluginSpecSchema as pluginSpec } from '@wus/core';
import { z } from 'zod';

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
    lrSchedule: pluginSpec.optional(),
    experiment: z.string().min(1).default('default'),
    plugins: z.array(z.string().min(1)).default([]),
  })
  .strict();

export const compareConfig = trainConfig
  .extend({
    /** Trials of the study; the first is the baseline the others are compared with. */
    policies: z.array(pluginSpec).min(1).default(['never', 'wus', 'wus-lr']),
  })
  .strict();

export type TrainConfig = z.output<typeof trainConfig>;
export type CompareConfig = z.output<typeof compareConfig>;
export type PluginSpecConfig = z.output<typeof pluginSpec>;
