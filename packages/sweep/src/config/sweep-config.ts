import { z } from 'zod';

/** A value a grid key takes: anything a training configuration holds (numbers, names, plugin specs). */
const value = z.unknown();

/** A random-search dimension: a list to pick from, or a numeric range (log-uniform with `log`). */
const dimension = z.union([
  z.object({ values: z.array(value).min(1, 'needs at least one value') }).strict(),
  z
    .object({ min: z.number(), max: z.number(), log: z.boolean().default(false), integer: z.boolean().default(false) })
    .strict()
    .refine((d) => d.max >= d.min, 'max must be ≥ min')
    .refine((d) => !d.log || d.min > 0, 'a log range needs min > 0'),
]);

/**
 * A sweep: a base training configuration (wus train's keys) and the keys that vary. Keys of
 * `grid` and `random.space` are configuration keys or dotted paths into them
 * (`policy.options.threshold`, `modelOptions.widthMultiplier`).
 */
export const sweepConfig = z
  .object({
    name: z.string().min(1).optional().describe("the sweep's name (its MLflow run name); default: the keys it varies"),
    base: z.record(z.string(), value).default({}).describe('training configuration every trial starts from (the keys of `wus train --config`)'),
    grid: z
      .record(z.string(), z.array(value).min(1, 'is empty: give at least one value'))
      .default({})
      .describe('every combination of these keys’ values is a trial'),
    random: z
      .object({
        trials: z.number().int().positive().describe('draws from the space, each combined with every grid combination'),
        seed: z.number().int().min(0).default(0).describe('seed of the draws (the same seed draws the same trials)'),
        space: z.record(z.string(), dimension).refine((s) => Object.keys(s).length > 0, 'is empty: give at least one key'),
      })
      .strict()
      .optional()
      .describe('random search: draws from ranges or lists'),
    baseline: z.string().min(1).default('never').describe('policy whose trial with otherwise equal settings is each trial’s baseline in the results'),
  })
  .strict()
  .refine((c) => Object.keys(c.grid).length > 0 || c.random !== undefined, { message: 'the sweep is empty: give a grid (key: [values]) or random search', path: ['grid'] });

export type SweepConfig = z.output<typeof sweepConfig>;
export type Dimension = z.output<typeof dimension>;
