import { PLUGIN_KINDS, type PluginRegistry } from '@wus/core';
import type { Command } from 'commander';
import type { DependencyContainer } from 'tsyringe';
import { TOKENS, type Output } from '../container.js';
import { importPluginModule } from '../experiment/plugin-import.js';

export function registerPlugins(program: Command, container: () => DependencyContainer): void {
  program
    .command('plugins')
    .description('list registered plugins by kind (built-ins and those loaded with --plugin)')
    .option('--plugin <module>', 'also load this plugin module (repeatable)', (v: string, p: string[] = []) => [...p, v])
    .action(async (flags: { plugin?: string[] }) => {
      const c = container();
      const registry = c.resolve<PluginRegistry>(TOKENS.Registry);
      for (const m of flags.plugin ?? []) await registry.load(m, importPluginModule);
      const lines: string[] = [];
      for (const kind of PLUGIN_KINDS) {
        const list = registry.list(kind);
        if (list.length === 0) continue;
        lines.push(`${kind}:`);
        for (const p of list) lines.push(`  ${p.name.padEnd(14)} ${p.description}`);
      }
      c.resolve<Output>(TOKENS.Output).out(lines.join('\n'));
    });
}
