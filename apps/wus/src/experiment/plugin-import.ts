import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Imports a plugin module: a path (relative to the working directory) or a package name. */
export function importPluginModule(specifier: string): Promise<Record<string, unknown>> {
  const isPath = specifier.startsWith('.') || specifier.startsWith('/');
  return import(isPath ? pathToFileURL(resolve(specifier)).href : specifier) as Promise<Record<string, unknown>>;
}
