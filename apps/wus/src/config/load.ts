import { readFile } from 'node:fs/promises';
import { ConfigError, parseOptions } from '@wus/core';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';

/** Reads a YAML or JSON config file (JSON is YAML) into a plain object. */
export async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`cannot read config file ${path}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`, { cause });
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (cause) {
    throw new ConfigError(`config file ${path} is not valid YAML/JSON: ${(cause as Error).message.split('\n')[0]}`, { cause });
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(`config file ${path} must hold a mapping of options`);
  return value as Record<string, unknown>;
}

/** Config file values, overridden by flags that were given, validated as one. */
export async function resolveConfig<S extends z.ZodType>(
  schema: S,
  file: string | undefined,
  flags: Record<string, unknown>,
): Promise<z.output<S>> {
  const fromFile = file === undefined ? {} : await readConfigFile(file);
  const given = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  return parseOptions('the run configuration', schema, { ...fromFile, ...given });
}
