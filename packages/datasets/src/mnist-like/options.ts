import { parseOptions } from '@wus/core';
import { z } from 'zod';

/**
 * Options of the MNIST-style dataset plugins. Strict: a misspelt option is an error rather than
 * silently ignored, since the core passes plugin-specific extras through unchecked.
 */
export const mnistLikeOptionsSchema = z.strictObject({
  dataDir: z.string().min(1).optional(),
  validationFraction: z.number().min(0).max(0.5).default(0.1),
  seed: z.number().int().default(0),
  limit: z.number().int().positive().optional(),
  /**
   * Centre the 28×28 images on a black `padTo × padTo` canvas (e.g. 32, for networks designed
   * for CIFAR-sized inputs). CLI: `--dataset-option padTo=32`.
   */
  padTo: z.number().int().min(28).max(512).optional().describe('centre the 28×28 images on a black padTo×padTo canvas (32 for CIFAR-sized networks)'),
});

export type MnistLikeOptions = z.output<typeof mnistLikeOptionsSchema>;

/** Throws a ConfigError naming `owner` and each bad option. */
export function parseMnistLikeOptions(owner: string, options: unknown): MnistLikeOptions {
  return parseOptions(owner, mnistLikeOptionsSchema, options);
}
