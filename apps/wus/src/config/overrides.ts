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

function specName(spec: PluginSpecConfig): string {
  return typeof spec === 'string' ? spec : spec.name;
}

/**
 * Applies `-o name.key=value` overrides to the plugin specs they name. With a single spec the
 * `name.` prefix may be left out.
 */
export function applyOptionOverrides(specs: PluginSpecConfig[], assignments: readonly string[]): PluginSpecConfig[] {
  const out = specs.map((s) => (typeof s === 'string' ? { name: s, options: {} as Record<string, unknown> } : { name: s.name, options: { ...(s.options as Record<string, unknown> | undefined) } }));
  for (const text of assignments) {
    const { key, value } = parseAssignment(text);
    const dot = key.indexOf('.');
    const target = dot > 0 ? out.find((s) => s.name === key.slice(0, dot)) : out.length === 1 ? out[0] : undefined;
    const option = dot > 0 && target !== undefined ? key.slice(dot + 1) : key;
    if (target === undefined) {
      throw new ConfigError(
        dot > 0
          ? `option "${key}" names policy "${key.slice(0, dot)}", which is not among: ${specs.map(specName).join(', ')}`
          : `option "${key}" is ambiguous with several policies; write it as <policy>.${key}`,
      );
    }
    target.options[option] = value;
  }
  return out;
}
