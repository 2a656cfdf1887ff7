import { ConfigError } from '@wus/core';
import { parse as parseYaml } from 'yaml';
import type { PluginSpecConfig } from './schema.js';

/** `key=value` with the value read as YAML, so numbers, booleans and lists keep their type. */
export function parseAssignment(text: string): { key: string; value: unknown } {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new ConfigError(`expected key=value, got "${text}"`);
  const key = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1);
  let value: unknown;
  try {
    value = parseYaml(raw);
  } catch {
    value = raw;
  }
  return { key, value: value ?? raw };
}

type Spec = { name: string; options: Record<string, unknown> };

function specName(spec: PluginSpecConfig): string {
  return typeof spec === 'string' ? spec : spec.name;
}

/** Trial labels: the policy name, `name_2`, `name_3`… when a policy appears more than once. */
export function trialLabels(specs: readonly PluginSpecConfig[]): string[] {
  const names = specs.map(specName);
  return names.map((n, i) => {
    const k = names.slice(0, i + 1).filter((m) => m === n).length;
    return k === 1 ? n : `${n}_${k}`;
  });
}

/**
 * Sets `path` (dotted) inside `options`, creating objects on the way. A plugin spec met on the
 * way (`inner: wus`) is opened up to `{ name, options }`, so `wus-lr.inner.threshold` and
 * `wus-lr.wus.threshold` both reach the inner policy's option.
 */
function setPath(options: Record<string, unknown>, path: string[], value: unknown, key: string): void {
  let node = options;
  for (const [i, part] of path.slice(0, -1).entries()) {
    let next = node[part];
    if (typeof next === 'string') next = node[part] = { name: next, options: {} };
    if (next === undefined) next = node[part] = {};
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      throw new ConfigError(`option "${key}": "${path.slice(0, i + 1).join('.')}" is ${JSON.stringify(next)}, not a set of options`);
    }
    const obj = next as Record<string, unknown>;
    // Inside a spec, keys other than name/options are its options.
    node = typeof obj['name'] === 'string' && path[i + 1] !== 'options' && path[i + 1] !== 'name' ? ((obj['options'] ??= {}) as Record<string, unknown>) : obj;
  }
  node[path[path.length - 1]!] = value;
}

/**
 * Applies `-o target.key=value` overrides. `target` is a trial label (`wus_2`) or a policy name
 * (`wus`: every trial of that policy); `key` may be a dotted path into nested options
 * (`wus-lr.wus.threshold`). With a single spec the target may be left out. An override that
 * matches no trial is an error, never silently nothing.
 */
export function applyOptionOverrides(specs: PluginSpecConfig[], assignments: readonly string[]): PluginSpecConfig[] {
  const out: Spec[] = specs.map((s) => (typeof s === 'string' ? { name: s, options: {} } : { name: s.name, options: structuredClone((s.options ?? {}) as Record<string, unknown>) }));
  const labels = trialLabels(specs);
  for (const text of assignments) {
    const { key, value } = parseAssignment(text);
    const parts = key.split('.');
    const head = parts[0]!;
    const byName = out.filter((s) => s.name === head);
    const targets = parts.length > 1 ? (byName.length > 0 ? byName : out.filter((_, i) => labels[i] === head)) : [];
    if (parts.length > 1 && targets.length > 0) {
      for (const t of targets) setPath(t.options, parts.slice(1), value, key);
      continue;
    }
    if (out.length === 1) {
      setPath(out[0]!.options, parts, value, key);
      continue;
    }
    throw new ConfigError(
      parts.length > 1
        ? `option "${key}" names "${head}", which is no trial or callback among: ${labels.join(', ')}`
        : `option "${key}" is ambiguous with several policies; write it as <policy>.${key}`,
    );
  }
  return out;
}
