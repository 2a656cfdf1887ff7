import { ConfigError } from '@wus/core';
import { z } from 'zod';

/**
 * Options every model of this zoo accepts: the core's ModelBuildOptions, validated. Strict, so
 * a misspelt `--model-option` is an error instead of being ignored.
 */
export const baseModelOptions = z.strictObject({
  inputShape: z.array(z.number().int().positive()).length(3, 'expected an image shape [height, width, channels]'),
  numClasses: z.number().int().min(2),
  widthMultiplier: z.number().positive().max(16).default(1).describe('scales every layer width (channels, units); 0.25 = a quarter'),
  seed: z.number().int(),
});

/** Scales a layer width, never below 1 unit. */
export function scaled(units: number, multiplier: number): number {
  return Math.max(1, Math.round(units * multiplier));
}

/**
 * Throws a ConfigError when `[h, w]` is below the model's minimum, saying why and how to pad
 * (Fashion-MNIST: `--dataset-option padTo=32`).
 */
export function requireMinSize(model: string, inputShape: readonly number[], min: number, why: string): void {
  const [h, w] = inputShape as [number, number, number];
  if (h < min || w < min) {
    throw new ConfigError(
      `model "${model}" needs inputs of at least ${min}×${min} (${why}), got ${h}×${w}; pad the images, ` +
        `e.g. --dataset-option padTo=32 for (Fashion-)MNIST`,
    );
  }
}
