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
    scope: z
      .enum(['biases', 'front'])
      .default('biases')
      .describe(
        'what a window skips — biases: every weight frozen, biases and BN shifts train (the paper); front: the front layers holding frontShare of the forward cost frozen entirely (no dX, cacheable), the rest as "rest" says',
      ),
    frontShare: z
      .number()
      .gt(0)
      .max(1)
      .default(0.5)
      .describe('scope "front": most share of the forward FLOPs the frozen front may hold'),
    rest: z
      .enum(['full', 'biases'])
      .default('full')
      .describe('scope "front": layers above the front train fully (full) or bias-only (biases)'),
    windowRule: z
      .enum(['fixed', 'plateau'])
      .default('fixed')
      .describe(
        'fixed: a window lasts its length and at least minFullEpochs full epochs follow (the paper; skips at most half the epochs); plateau: at the end of each window Δ is re-measured on its own evaluation and the window goes on while Δ < τ',
      ),
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

export type WusScope = { readonly kind: 'biases' } | { readonly kind: 'front'; readonly share: number; readonly rest: 'full' | 'biases' };

/** Options after defaults, with the window length resolved to one value. */
export interface WusOptions {
  readonly monitor: string;
  readonly threshold: number;
  readonly mode: 'absolute' | 'relative';
  readonly warmupEpochs: number;
  readonly window: WindowLength;
  readonly minFullEpochs: number;
  readonly scope: WusScope;
  readonly windowRule: 'fixed' | 'plateau';
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
    scope: parsed.scope === 'biases' ? { kind: 'biases' } : { kind: 'front', share: parsed.frontShare, rest: parsed.rest },
    windowRule: parsed.windowRule,
    maxConsecutiveWindows: parsed.maxConsecutiveWindows ?? Number.POSITIVE_INFINITY,
  };
}

export function describeWus(o: WusOptions): string {
  const window = `${o.window.length} ${o.window.unit === 'epochs' ? 'epoch' : 'step'}${o.window.length === 1 ? '' : 's'}`;
  const max = Number.isFinite(o.maxConsecutiveWindows) ? String(o.maxConsecutiveWindows) : 'unbounded';
  const scope = o.scope.kind === 'biases' ? 'biases' : `front(share=${o.scope.share},rest=${o.scope.rest})`;
  return (
    `wus(monitor=${o.monitor},threshold=${o.threshold},mode=${o.mode},warmupEpochs=${o.warmupEpochs},` +
    `window=${window},minFullEpochs=${o.minFullEpochs},maxConsecutiveWindows=${max},scope=${scope},windowRule=${o.windowRule})`
  );
}
