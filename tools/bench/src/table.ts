import type { StepProfile } from './measure.js';

export interface Row {
  readonly model: string;
  readonly batch: number;
  readonly backend: string;
  readonly forwardMs: number;
  readonly fullStepMs: number;
  readonly biasOnlyStepMs: number;
  readonly fullStepSpread?: number;
  readonly full?: StepProfile;
  readonly biasOnly?: StepProfile;
  /** The PyTorch peer's full step on the same model (set on our rows). */
  readonly torchFullStepMs?: number;
  readonly isPeer?: boolean;
}

const na = (v: number, f: (v: number) => string) => (Number.isFinite(v) ? f(v) : 'n/a');
const pct = (v: number) => na(v, (x) => `${(100 * x).toFixed(1)} %`);
const ms = (v: number) => na(v, (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1)));

/**
 * Columns: times (median), full/forward, throughput of full and bias-only steps, what the
 * bias-only step saves measured (1 − bias/full) and what the profile says weight gradients and
 * weight updates cost (share of the full step's kernel time), and the throughput ratio to
 * PyTorch on the same model (>1: faster than PyTorch).
 */
export function formatTable(rows: readonly Row[]): string {
  const header = ['model', 'batch', 'backend', 'forward ms', 'full ms', 'bias-only ms', 'full/fwd', 'img/s full', 'img/s bias', 'saved (measured)', 'wgrad+wupd (profile)', 'spread', 'vs torch'];
  const body = rows.map((r) => {
    const profile = r.full === undefined || r.full.kernelMs === 0 ? '-' : `${pct((r.full.weightGradMs + r.full.weightUpdateMs) / r.full.kernelMs)}`;
    return [
      r.model,
      String(r.batch),
      r.backend,
      ms(r.forwardMs),
      ms(r.fullStepMs),
      ms(r.biasOnlyStepMs),
      na(r.fullStepMs / r.forwardMs, (x) => `${x.toFixed(2)}×`),
      na(r.batch / (r.fullStepMs / 1000), (x) => x.toFixed(0)),
      na(r.batch / (r.biasOnlyStepMs / 1000), (x) => x.toFixed(0)),
      pct(1 - r.biasOnlyStepMs / r.fullStepMs),
      profile,
      r.fullStepSpread === undefined ? '-' : pct(r.fullStepSpread),
      r.torchFullStepMs === undefined ? '-' : na(r.torchFullStepMs / r.fullStepMs, (x) => `${x.toFixed(2)}×`),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
