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
}).meta({ title: 'size' });

/**
 * Everything one training run needs; every key's `describe()` is its line in the reference
 * (`wus config --schema`, docs/CONFIG.md). Defaults are the main job's: the MLP on Fashion-MNIST,
 * SGD with momentum, a few minutes on two CPU cores.
 */
export const trainConfig = z
  .object({
    model: z.string().min(1).default('mlp').describe('model plugin: mlp, lenet5, alexnet, vgg11, vgg16, resnet18 or one loaded with plugins (`wus plugins`)'),
    modelOptions: z.record(z.string(), z.unknown()).default({}).describe('options of the model plugin, e.g. { widthMultiplier: 0.5 } (`wus plugins MODEL` lists them)'),
    dataset: z.string().min(1).default('fashion-mnist').describe('dataset plugin: fashion-mnist, mnist, cifar10, cifar100'),
    dataDir: z.string().min(1).optional().describe('directory holding the data files; fashion-mnist falls back to $WUS_DATA_DIR, the Debian package, then the bundled subset'),
    datasetOptions: z.record(z.string(), z.unknown()).default({}).describe('options of the dataset plugin beyond the generic keys here, e.g. { padTo: 32 } or { labels: coarse }'),
    validationFraction: z.number().min(0).max(0.5).default(0.1).describe('share of the training data held out for validation (0 = none)'),
    limit: z.number().int().positive().optional().describe('use only the first N training images (quick runs)'),
    epochs: z.number().int().positive().default(15).describe('epochs to train'),
    batchSize: z.number().int().positive().default(128).describe('mini-batch size'),
    lr: z.number().positive().default(0.05).describe('base learning rate (an lrSchedule scales it)'),
    optimizer: z.enum(['sgd', 'adam']).default('sgd').describe('optimizer'),
    momentum: z.number().min(0).max(0.9999).default(0.9).describe('SGD momentum'),
    weightDecay: z.number().min(0).default(5e-4).describe('L2 weight decay on weights, applied only when they update'),
    seed: z.number().int().min(0).default(42).describe('seed of data order, validation split and initialisation'),
    backend: z.enum(['auto', ...BACKEND_PREFERENCE]).default('auto').describe('tfjs backend; auto: the fastest that loads and has the kernels the model needs'),
    policy: pluginSpec.default('never').describe('skip policy of `wus train`: a name or { name, options }'),
    prefixCache: sizeSchema
      .prefault('1GiB')
      .describe('host memory the frozen-prefix cache may use: a size such as 512MiB or 2GiB, or off'),
    lrSchedule: pluginSpec.optional().describe('LR schedule plugin: constant, step, cosine, plateau, as a name or { name, options }'),
    callbacks: z.array(pluginSpec).default([]).describe('callback plugins attached to every trial, e.g. [early-stopping]'),
    experiment: z.string().min(1).optional().describe('experiment the runs belong to (run store and MLflow); default wus-<dataset>'),
    systemMetricsInterval: z.number().min(0).default(10).describe('seconds between system-metric samples (CPU, memory, tensors) logged under system/ while training; 0: off'),
    registerModel: z.string().optional().describe('register each trained model as a new version of this MLflow registered model'),
    plugins: z.array(z.string().min(1)).default([]).describe('plugin modules to load: file paths or package names'),
    keepCheckpoints: z.number().int().min(0).default(2).describe('checkpoints kept per trial, the newest (0: none are written and the run cannot be resumed)'),
    checkpointSteps: z.number().int().positive().optional().describe('also write a checkpoint every N steps (one is always written at each epoch end)'),
    testEveryEpoch: z.boolean().default(false).describe('also measure test accuracy after every epoch (untimed, recorded only; policies see validation metrics): for time to accuracy on test data'),
    tags: z
      .record(z.string(), z.string().max(5000))
      .superRefine((tags, ctx) => {
        // MLflow's rule for tag keys (the run store enforces it too): refused here, before training.
        for (const key of Object.keys(tags)) {
          if (!/^[A-Za-z0-9_.\- /]{1,250}$/.test(key)) ctx.addIssue({ code: 'custom', message: `tag key "${key}" must be 1–250 letters, digits, _ - . space or /` });
        }
      })
      .default({})
      .describe('extra tags on every run (the study and its trials), e.g. { study: fmnist-2026 }: group runs in the store and in MLflow'),
  })
  .strict();

/** `wus compare`'s settings: several policies instead of one (a `policy` key is refused, not ignored). */
export const compareConfig = trainConfig
  .omit({ policy: true })
  .extend({
    policies: z.array(pluginSpec).min(1).default(['never', 'wus', 'wus-lr']).describe('trials of `wus compare`, baseline first: names or { name, options }'),
    interleave: z
      .enum(['epoch', 'off'])
      .default('epoch')
      .describe('epoch: trials advance one epoch each per round, the order rotating, so machine noise hits all alike; off: one trial after another'),
    control: z.boolean().default(false).describe('add a second baseline ("control") and print how far identical work measured apart'),
  })
  .strict();

/** Keys only one command reads (the others are shared by train and compare). */
export const COMMAND_OF_KEY: Readonly<Record<string, 'train' | 'compare'>> = { policy: 'train', policies: 'compare', interleave: 'compare', control: 'compare' };

/** The reference's rows: every key either command reads, `policy` where train has it. */
export const allConfigKeys = compareConfig.extend({ policy: trainConfig.shape.policy });

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
