import { z } from 'zod';

/** WUS options. Every default is the one documented in README.md. */
export const wusOptionsSchema = z
  .strictObject({
    monitor: z
      .string()
      .min(1)
      .default('val_accuracy')
      .describe('evaluation metric whose variation Δ is watched; missing at evaluation time → ConfigError'),
    threshold: z
      .number()
      .min(0)
      .default(0.002)
      .describe('τ: a window starts when Δ < τ (strict); 0.002 = 0.2 accuracy points'),
    mode: z
      .enum(['absolute', 'relative'])
      .default('absolute')
      .describe('absolute: Δ = |m_t − m_prev|; relative: Δ = |m_t − m_prev| / |m_prev|'),
    warmupEpochs: z
      .number()
      .int()
      .min(0)
      .default(1)
      .describe('no window may start before this many epochs have completed (first window epoch ≥ warmupEpochs)'),
    windowEpochs: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('window length in epochs (default 1); exclusive with windowSteps'),
    windowSteps: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('window length in steps, starting at the first step of the next epoch; then full updates resume'),
    minFullEpochs: z
      .number()
      .int()
      .min(1)
      .default(1)
      .describe('fully-updated epochs required after a window before Δ may trigger again (cooldown)'),
    maxConsecutiveWindows: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('longest streak of back-to-back windows (default unbounded)'),
  })
  .refine((o) => o.windowEpochs === undefined || o.windowSteps === undefined, {
    message: 'set windowEpochs or windowSteps, not both',
    path: ['windowSteps'],
  });

export type WusOptionsInput = z.input<typeof wusOptionsSchema>;

export type WindowLength = { readonly unit: 'epochs' | 'steps'; readonly length: number };

/** Options after defaults, with the window length resolved to one value. */
export interface WusOptions {
  readonly monitor: string;
  readonly threshold: number;
  readonly mode: 'absolute' | 'relative';
  readonly warmupEpochs: number;
  readonly window: WindowLength;
  readonly minFullEpochs: number;
  /** Infinity when unbounded. */
  readonly maxConsecutiveWindows: number;
}

export function resolveWusOptions(parsed: z.output<typeof wusOptionsSchema>): WusOptions {
  return {
    monitor: parsed.monitor,
    threshold: parsed.threshold,
    mode: parsed.mode,
    warmupEpochs: parsed.warmupEpochs,
    window:
      parsed.windowSteps !== undefined
        ? { unit: 'steps', length: parsed.windowSteps }
        : { unit: 'epochs', length: parsed.windowEpochs ?? 1 },
    minFullEpochs: parsed.minFullEpochs,
    maxConsecutiveWindows: parsed.maxConsecutiveWindows ?? Number.POSITIVE_INFINITY,
  };
}

export function describeWus(o: WusOptions): string {
  const window = `${o.window.length} ${o.window.unit === 'epochs' ? 'epoch' : 'step'}${o.window.length === 1 ? '' : 's'}`;
  const max = Number.isFinite(o.maxConsecutiveWindows) ? String(o.maxConsecutiveWindows) : 'unbounded';
  return (
    `wus(monitor=${o.monitor},threshold=${o.threshold},mode=${o.mode},warmupEpochs=${o.warmupEpochs},` +
    `window=${window},minFullEpochs=${o.minFullEpochs},maxConsecutiveWindows=${max})`
  );
}
