import { ConfigError } from '@wus/core';
import { Option, type Command } from 'commander';
import type { DependencyContainer } from 'tsyringe';
import { FLAG_OF } from '../config/explain.js';
import { COMMAND_OF_KEY, allConfigKeys } from '../config/schema.js';
import { TOKENS, type Output } from '../container.js';
import { formatColumns, formatMarkdown, inputJsonSchema, schemaRows } from '../reference/schema-table.js';

const HEADER = ['key', 'type', 'default', 'flag', 'command', 'meaning'];

/** Every config-file key, as rows of the reference: read from the schema `train` and `compare` validate with. */
export function configReferenceRows(): string[][] {
  return schemaRows(allConfigKeys).map((r) => [r.key, r.type, r.default, FLAG_OF[r.key] ?? '—', COMMAND_OF_KEY[r.key] ?? 'both', r.meaning]);
}

/** The reference as docs/CONFIG.md embeds it (a test checks the page holds exactly this). */
export function configReferenceMarkdown(): string {
  return formatMarkdown(HEADER, configReferenceRows(), [0, 2, 3]).join('\n');
}

export function registerConfig(program: Command, container: () => DependencyContainer): void {
  program
    .command('config')
    .description('the config-file reference: every key with its type, default, flag and meaning (--schema)')
    .option('--schema', 'print every config-file key (YAML or JSON, --config FILE) with its type, default, flag and meaning')
    .addOption(new Option('--format <format>', 'text (default), markdown (as in docs/CONFIG.md) or json (JSON Schema)').choices(['text', 'markdown', 'json']))
    .action((flags: { schema?: boolean; format?: string }) => {
      if (flags.schema !== true) throw new ConfigError('wus config needs --schema: `wus config --schema` prints every config-file key with its type, default, flag and meaning');
      const out = container().resolve<Output>(TOKENS.Output);
      if (flags.format === 'json') return out.out(JSON.stringify(inputJsonSchema(allConfigKeys), null, 2));
      if (flags.format === 'markdown') return out.out(configReferenceMarkdown());
      out.out(
        [
          'Config-file keys (`--config run.yaml`, YAML or JSON; a flag given beats the file). command: the one that reads the key.',
          ...formatColumns(HEADER, configReferenceRows()),
        ].join('\n'),
      );
    });
}
