import { readFile } from 'node:fs/promises';
import { ConfigError } from '@wus/core';
import { parse as parseYaml } from 'yaml';
import { ZodObject, type z } from 'zod';
import { explainConfigIssues } from './explain.js';

/** Reads a YAML or JSON config file (JSON is YAML) into a plain object. */
export async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'there is no such file; check the path given to --config' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory; give a YAML or JSON file' : String(code ?? cause);
    throw new ConfigError(`cannot read config file ${path}: ${why}`, { cause });
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (cause) {
    // Show the offending line itself: the parser's own message ends in a code frame.
    const lines = text.split('\n');
    let line = (cause as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    // An error found at the end of the file is about the last line that has something on it.
    while (line !== undefined && line > 1 && (lines[line - 1] ?? '').trim() === '') line--;
    const shown = line === undefined ? '' : ` — line ${line}: ${JSON.stringify(lines[line - 1] ?? '')}`;
    const first = (cause as Error).message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new ConfigError(`config file ${path} is not valid YAML/JSON: ${first}${shown}`, { cause });
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(`config file ${path} must hold a mapping of options`);
  return value as Record<string, unknown>;
}

/** The settings given: config file values, overridden by the flags that were given. */
export async function givenSettings(file: string | undefined, flags: Record<string, unknown>): Promise<Record<string, unknown>> {
  const fromFile = file === undefined ? {} : await readConfigFile(file);
  return { ...fromFile, ...Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)) };
}

/** Config file values, overridden by flags that were given, validated as one. */
export async function resolveConfig<S extends z.ZodType>(
  schema: S,
  file: string | undefined,
  flags: Record<string, unknown>,
): Promise<z.output<S>> {
  const fromFile = file === undefined ? {} : await readConfigFile(file);
  const given = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  const result = schema.safeParse({ ...fromFile, ...given });
  if (result.success) return result.data;
  const known = schema instanceof ZodObject ? Object.keys(schema.shape as Record<string, unknown>) : [];
  const lines = explainConfigIssues(result.error.issues, { flags: given, ...(file === undefined ? {} : { file }), fileValues: fromFile }, known);
  throw new ConfigError(lines.join('; '));
}
