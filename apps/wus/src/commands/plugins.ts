import { ConfigError, PLUGIN_KINDS, type Plugin, type PluginRegistry } from '@wus/core';
import type { Command } from 'commander';
import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { TOKENS, type Output } from '../container.js';
import { importPluginModule } from '../experiment/plugin-import.js';

/** Options the app sets itself (flags of their own): not listed as plugin options. */
const GENERIC: Record<string, readonly string[]> = {
  model: ['inputShape', 'numClasses', 'seed'],
  dataset: ['dataDir', 'validationFraction', 'seed', 'limit'],
};

interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

function typeOf(s: JsonSchema): string {
  if (s.enum !== undefined) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (s.anyOf !== undefined) return s.anyOf.map(typeOf).join(' | ');
  if (s.type === 'array') return `${s.items === undefined ? 'value' : typeOf(s.items)}[]`;
  // zod's .int() sets ±MAX_SAFE_INTEGER bounds: not worth printing.
  const bounds = [
    s.minimum !== undefined && s.minimum > -Number.MAX_SAFE_INTEGER ? `≥ ${s.minimum}` : s.exclusiveMinimum !== undefined ? `> ${s.exclusiveMinimum}` : undefined,
    s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER ? `≤ ${s.maximum}` : undefined,
  ].filter((b) => b !== undefined);
  const base = Array.isArray(s.type) ? s.type.join(' | ') : (s.type ?? (s.properties !== undefined ? 'object' : 'plugin spec'));
  return bounds.length === 0 ? base : `${base} (${bounds.join(', ')})`;
}

/** One line per option: name, type, default, description — read from the plugin's zod schema. */
export function describeOptions(plugin: Plugin): string[] {
  if (plugin.options === undefined) return ['  (this plugin declares no option schema)'];
  const schema = z.toJSONSchema(plugin.options, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const skip = GENERIC[plugin.kind] ?? [];
  const rows = Object.entries(schema.properties ?? {})
    .filter(([name]) => !skip.includes(name))
    .map(([name, s]) => [name, typeOf(s), s.default === undefined ? (schema.required?.includes(name) === true ? 'required' : '—') : JSON.stringify(s.default), s.description ?? '']);
  if (rows.length === 0) return ['  (no options)'];
  const w = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length), ['option', 'type', 'default'][c]!.length));
  const line = (r: string[]) => `  ${r[0]!.padEnd(w[0]!)}  ${r[1]!.padEnd(w[1]!)}  ${r[2]!.padEnd(w[2]!)}  ${r[3]}`.trimEnd();
  return [line(['option', 'type', 'default', 'meaning']), ...rows.map(line)];
}

export function registerPlugins(program: Command, container: () => DependencyContainer): void {
  program
    .command('plugins [name]')
    .description('list registered plugins by kind (built-ins and those loaded with --plugin); with a name, its options, types and defaults')
    .option('--plugin <module>', 'also load this plugin module (repeatable)', (v: string, p: string[] = []) => [...p, v])
    .action(async (name: string | undefined, flags: { plugin?: string[] }) => {
      const c = container();
      const registry = c.resolve<PluginRegistry>(TOKENS.Registry);
      for (const m of flags.plugin ?? []) await registry.load(m, importPluginModule);
      const out = c.resolve<Output>(TOKENS.Output);
      if (name !== undefined) {
        const found = registry.list().filter((p) => p.name === name);
        if (found.length === 0) throw new ConfigError(`no plugin named "${name}"; registered: ${registry.list().map((p) => p.name).sort().join(', ')}`);
        out.out(found.flatMap((p) => [`${p.name} (${p.kind}): ${p.description}`, ...describeOptions(p)]).join('\n'));
        return;
      }
      const lines: string[] = [];
      for (const kind of PLUGIN_KINDS) {
        const list = registry.list(kind);
        if (list.length === 0) continue;
        lines.push(`${kind}:`);
        for (const p of list) lines.push(`  ${p.name.padEnd(18)} ${p.description}`);
      }
      lines.push('', '`wus plugins NAME` lists a plugin\'s options, their types and defaults.');
      out.out(lines.join('\n'));
    });
}
