import { createHash } from 'node:crypto';
import { createRng } from '@wus/core/plugin-api';
import type { Dimension, SweepConfig } from './sweep-config.js';

/** One trial of a sweep: the values it sets over the base, and the identity they give it. */
export interface SweepTrial {
  /** Stable id: a digest of the values set, so re-expanding the same sweep gives the same keys. */
  readonly key: string;
  /** `policy=wus lr=0.1 seed=1`: what sets it apart, for tables and run names. */
  readonly label: string;
  /** Dotted path → value, in the order applied (grid keys, then random keys). */
  readonly values: Readonly<Record<string, unknown>>;
  /** The base configuration with `values` applied. */
  readonly config: Record<string, unknown>;
}

/**
 * Every combination of the grid, each with every random draw (draws are shared across the grid,
 * so a policy and its baseline trial get the same drawn values); identical trials collapse.
 */
export function expandSweep(sweep: SweepConfig): SweepTrial[] {
  let combos: Record<string, unknown>[] = [{}];
  for (const [key, values] of Object.entries(sweep.grid)) combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  const draws = sweep.random === undefined ? [{}] : randomDraws(sweep.random.space, sweep.random.trials, sweep.random.seed);
  const out = new Map<string, SweepTrial>();
  for (const combo of combos) {
    for (const draw of draws) {
      const values = { ...combo, ...draw };
      const key = trialKey(values);
      if (!out.has(key)) out.set(key, { key, label: trialLabel(values), values, config: applyValues(sweep.base, values) });
    }
  }
  return [...out.values()];
}

/** The key of the trial with `values`, but `policy` set to the baseline (and its options dropped). */
export function baselineKey(values: Readonly<Record<string, unknown>>, baseline: string): string {
  const rest = Object.fromEntries(Object.entries(values).filter(([k]) => k !== 'policy' && !k.startsWith('policy.')));
  return trialKey('policy' in values ? { ...rest, policy: baseline } : rest);
}

export function trialKey(values: Readonly<Record<string, unknown>>): string {
  return createHash('sha256').update(canonical(values)).digest('hex').slice(0, 12);
}

function trialLabel(values: Readonly<Record<string, unknown>>): string {
  const show = (v: unknown): string => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(Number(v.toPrecision(4)));
    // A plugin spec: `wus(threshold=0.01)`.
    if (v !== null && typeof v === 'object' && typeof (v as { name?: unknown }).name === 'string') {
      const { name, options = {} } = v as { name: string; options?: Record<string, unknown> };
      const opts = Object.entries(options).map(([k, o]) => `${k}=${show(o)}`);
      return opts.length === 0 ? name : `${name}(${opts.join(',')})`;
    }
    return JSON.stringify(v);
  };
  const parts = Object.entries(values).map(([k, v]) => `${k}=${show(v)}`);
  return parts.length === 0 ? 'base' : parts.join(' ');
}

/** JSON with sorted object keys: equal values, equal text. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

/**
 * Sets each dotted path. A plugin given by name (`policy: wus`) becomes `{ name: wus }` when a
 * path reaches into it (`policy.options.threshold`).
 */
export function applyValues(base: Readonly<Record<string, unknown>>, values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out = structuredClone(base) as Record<string, unknown>;
  for (const [path, v] of Object.entries(values)) {
    const parts = path.split('.');
    let node = out;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      node[part] = typeof next === 'string' ? { name: next } : next !== null && typeof next === 'object' && !Array.isArray(next) ? next : {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]!] = structuredClone(v);
  }
  return out;
}

/** `n` draws from the space, reproducible from `seed`. */
function randomDraws(space: Readonly<Record<string, Dimension>>, n: number, seed: number): Record<string, unknown>[] {
  const next = createRng(seed);
  return Array.from({ length: n }, () =>
    Object.fromEntries(
      Object.entries(space).map(([k, d]) => {
        if ('values' in d) return [k, d.values[Math.floor(next() * d.values.length)]];
        const u = next();
        const x = d.log ? Math.exp(Math.log(d.min) + u * (Math.log(d.max) - Math.log(d.min))) : d.min + u * (d.max - d.min);
        return [k, d.integer ? Math.round(x) : Number(x.toPrecision(6))];
      }),
    ),
  );
}
