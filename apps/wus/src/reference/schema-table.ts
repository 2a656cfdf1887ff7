import { z } from 'zod';

/**
 * Reference tables read from zod schemas (a plugin's options, the config file's keys): one row
 * per key with its type, default and the schema's own description, so what the CLI prints and
 * docs/CONFIG.md say cannot drift from what is validated.
 */
interface JsonSchema {
  /** A type's own name (zod `.meta({ title })`), printed instead of its structure. */
  title?: string;
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
  additionalProperties?: unknown;
  required?: string[];
}

export interface SchemaRow {
  readonly key: string;
  readonly type: string;
  readonly default: string;
  readonly meaning: string;
}

/** The JSON Schema of what a user writes (defaults and transforms on the input side). */
export function inputJsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

/** core's pluginSpecSchema: `"name"` or `{ name, options }`. */
const isPluginSpec = (s: JsonSchema) => s.anyOf?.length === 2 && s.anyOf.some((a) => a.type === 'string') && s.anyOf.some((a) => a.properties?.['name'] !== undefined);

function typeOf(s: JsonSchema): string {
  if (s.title !== undefined) return s.title;
  if (s.enum !== undefined) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (isPluginSpec(s)) return 'plugin';
  if (s.anyOf !== undefined) return s.anyOf.map(typeOf).join(' | ');
  if (s.type === 'array') {
    const item = s.items === undefined ? 'value' : typeOf(s.items);
    return item.includes(' ') ? `(${item})[]` : `${item}[]`;
  }
  // zod's .int() sets ±MAX_SAFE_INTEGER bounds: not worth printing.
  const bounds = [
    s.minimum !== undefined && s.minimum > -Number.MAX_SAFE_INTEGER ? `≥ ${s.minimum}` : s.exclusiveMinimum !== undefined ? `> ${s.exclusiveMinimum}` : undefined,
    s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER ? `≤ ${s.maximum}` : undefined,
  ].filter((b) => b !== undefined);
  const base = Array.isArray(s.type) ? s.type.join(' | ') : s.type === 'object' && s.properties === undefined ? 'map' : (s.type ?? (s.properties !== undefined ? 'object' : 'plugin spec'));
  return bounds.length === 0 ? base : `${base} (${bounds.join(', ')})`;
}

/** One row per top-level key of an object schema, `skip` left out. */
export function schemaRows(schema: z.ZodType, skip: readonly string[] = []): SchemaRow[] {
  const json = inputJsonSchema(schema) as JsonSchema;
  return Object.entries(json.properties ?? {})
    .filter(([key]) => !skip.includes(key))
    .map(([key, s]) => ({
      key,
      type: typeOf(s),
      default: s.default === undefined ? (json.required?.includes(key) === true ? 'required' : '—') : JSON.stringify(s.default),
      meaning: s.description ?? '',
    }));
}

/** Aligned columns for a terminal, two spaces of indent, the last column free-running. */
export function formatColumns(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => r[c]!.length)));
  return all.map((r) => `  ${r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ')}`.trimEnd());
}

/** A GitHub-flavoured Markdown table; `|` inside cells escaped, code cells in backticks. */
export function formatMarkdown(header: readonly string[], rows: readonly (readonly string[])[], codeColumns: readonly number[] = []): string[] {
  const cell = (text: string, c: number) => {
    const escaped = text.replace(/\|/g, '\\|');
    return codeColumns.includes(c) && text !== '' && text !== '—' ? `\`${escaped}\`` : escaped;
  };
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}
