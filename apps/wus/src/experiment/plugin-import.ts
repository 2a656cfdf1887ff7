import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Imports a plugin module: a path (relative to the working directory) or a package name. A
 * module that is not there is reported with the path looked at and what to do, not Node's
 * "Cannot find module … imported from <our file>".
 */
export async function importPluginModule(specifier: string): Promise<Record<string, unknown>> {
  const isPath = specifier.startsWith('.') || specifier.startsWith('/');
  if (isPath && !existsSync(resolve(specifier))) throw new Error(`no such file ${resolve(specifier)}; check the path given to --plugin`);
  try {
    return (await import(isPath ? pathToFileURL(resolve(specifier)).href : specifier)) as Record<string, unknown>;
  } catch (e) {
    const missingPackage = !isPath && (e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && (e as Error).message.includes(`'${specifier}'`);
    if (missingPackage) throw new Error(`no installed package "${specifier}"; install it (npm install ${specifier}) or give the module's file path (./my-plugin.mjs)`, { cause: e });
    throw e;
  }
}
