import { z } from 'zod';

/** progressive-freeze options; every default is the one documented in README.md. */
export const progressiveFreezeOptionsSchema = z.strictObject({
  threshold: z
    .number()
    .gt(0)
    .max(1)
    .default(0.25)
    .describe(
      "a layer has converged when its relative weight change over the last epoch is below threshold × its change over the first epoch",
    ),
  warmupEpochs: z.number().int().min(1).default(2).describe('no layer is frozen before this many epochs have completed'),
  maxShare: z
    .number()
    .gt(0)
    .max(1)
    .default(0.8)
    .describe('most share of the forward FLOPs the frozen front may hold'),
  everyEpochs: z.number().int().min(1).default(1).describe('how often (in epochs) the front may grow'),
  growBy: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('most layers with weights the front may take per check (default unbounded: every leading converged layer)'),
});

export type ProgressiveFreezeOptionsInput = z.input<typeof progressiveFreezeOptionsSchema>;
export type ProgressiveFreezeOptions = z.output<typeof progressiveFreezeOptionsSchema>;
