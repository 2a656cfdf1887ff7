import { z } from 'zod';

/**
 * Options of the CIFAR dataset plugins. Strict, like the MNIST ones: a misspelt option is an
 * error rather than silently ignored.
 */
export const cifar10OptionsSchema = z.strictObject({
  /** Directory with the binary files (or its parent holding the extracted archive folder). */
  dataDir: z.string().min(1).optional(),
  validationFraction: z.number().min(0).max(0.5).default(0.1),
  seed: z.number().int().default(0),
  limit: z.number().int().positive().optional(),
  /** Random crop + horizontal flip on training batches (validation and test are never augmented). */
  augment: z.boolean().default(true).describe('random crop and flip of training images (validation and test never augmented)'),
  /** Zero pixels added on each side before the random crop (standard: 4); 0 = no crop. */
  cropPadding: z.number().int().min(0).max(16).default(4).describe('zero pixels added on each side before the random crop; 0 = no crop'),
  /** Random horizontal flip (with `augment`). */
  flip: z.boolean().default(true).describe('random horizontal flip (with augment)'),
});

export const cifar100OptionsSchema = cifar10OptionsSchema.extend({
  /** Which CIFAR-100 label to train on: the 100 fine classes (default) or the 20 superclasses. */
  labels: z.enum(['fine', 'coarse']).default('fine').describe('the 100 fine classes or the 20 superclasses'),
});

export type Cifar10Options = z.output<typeof cifar10OptionsSchema>;
export type Cifar100Options = z.output<typeof cifar100OptionsSchema>;
