import type { z } from 'zod';
import { ConfigError } from '../errors/errors.js';

/**
 * Validates a plugin's options with its zod schema and turns failures into one ConfigError
 * that names the plugin and each bad option.
 */
export function parseOptions<S extends z.ZodType>(owner: string, schema: S, options: unknown): z.output<S> {
  const result = schema.safeParse(options ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => {
    const path = i.path.length > 0 ? i.path.join('.') : '(options)';
    return `${path}: ${i.message}`;
  });
  throw new ConfigError(`invalid options for ${owner}: ${problems.join('; ')}`);
}
