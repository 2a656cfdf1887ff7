import { z } from 'zod';

/** Options every model of this zoo accepts (the core's ModelBuildOptions, validated). */
export const baseModelOptions = z.object({
  inputShape: z.array(z.number().int().positive()).min(1),
  numClasses: z.number().int().min(2),
  widthMultiplier: z.number().positive().max(16).default(1).describe('scales every layer width (channels, units); 0.25 = a quarter'),
  seed: z.number().int(),
});

/** Scales a layer width, never below 1 unit. */
export function scaled(units: number, multiplier: number): number {
  return Math.max(1, Math.round(units * multiplier));
}
