import { ConfigError, PLUGIN_KINDS, closestName, type Plugin, type PluginRegistry } from '@wus/core';
import type { Command } from 'commander';
import type { DependencyContainer } from 'tsyringe';
import { TOKENS, type Output } from '../container.js';
import { importPluginModule } from '../experiment/plugin-import.js';
import { formatColumns, schemaRows } from '../reference/schema-table.js';

/** Options the app sets itself (flags of their own): not listed as plugin options. */
const GENERIC: Record<string, readonly string[]> = {
  model: ['inputShape', 'numClasses', 'seed'],
  dataset: ['dataDir', 'validationFraction', 'seed', 'limit'],
};

/** One line per option: name, type, default, description — read from the plugin's zod schema. */
export function describeOptions(plugin: Plugin): string[] {
  if (plugin.options === undefined) return ['  (this plugin declares no option schema)'];
  const rows = schemaRows(plugin.options, GENERIC[plugin.kind] ?? []);
  if (rows.length === 0) return ['  (no options)'];
  return formatColumns(['option', 'type', 'default', 'meaning'], rows.map((r) => [r.key, r.type, r.default, r.meaning]));
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
        if (found.length === 0) {
          const names = registry.list().map((p) => p.name).sort();
          const hint = closestName(name, names);
          throw new ConfigError(`no plugin named "${name}"; ${hint === undefined ? `registered: ${names.join(', ')}` : `did you mean "${hint}"? (\`wus plugins\` lists them all)`}`);
        }
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
