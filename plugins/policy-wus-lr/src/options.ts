import { pluginSpecSchema, type PluginSpec } from '@wus/core';
import { z } from 'zod';

export const wusLrOptionsSchema = z
  .strictObject({
    inner: pluginSpecSchema
      .optional()
      .describe('policy that decides the windows (default { name: "wus" }); exclusive with "wus"'),
    wus: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('shorthand: options of an inner "wus" policy, i.e. inner = { name: "wus", options: wus }'),
    gamma: z.number().gt(0).max(1).default(0.5).describe('factor applied to the LR multiplier at each decay'),
    minLrScale: z.number().min(0).max(1).default(0.05).describe('floor of the LR multiplier'),
    decayOn: z
      .enum(['repeat', 'every-window'])
      .default('repeat')
      .describe('repeat: decay at the start of a window with streak ≥ 2; every-window: at every window start'),
  })
  .refine((o) => o.inner === undefined || o.wus === undefined, {
    message: 'give the inner policy through "inner" or through "wus" options, not both',
    path: ['wus'],
  });

export type WusLrOptionsInput = z.input<typeof wusLrOptionsSchema>;

export interface WusLrOptions {
  readonly inner: PluginSpec;
  readonly gamma: number;
  readonly minLrScale: number;
  readonly decayOn: 'repeat' | 'every-window';
}

export function resolveWusLrOptions(o: z.output<typeof wusLrOptionsSchema>): WusLrOptions {
  return {
    inner: o.inner ?? { name: 'wus', options: o.wus ?? {} },
    gamma: o.gamma,
    minLrScale: o.minLrScale,
    decayOn: o.decayOn,
  };
}
