import { ZodObject, type z } from 'zod';
import { ConfigError } from '../errors/errors.js';
import { didYouMean, gotValue, requirementOf, valueAt } from '../errors/explain.js';

/**
 * Validates a plugin's options with its zod schema and turns failures into one ConfigError
 * that names the plugin and, for each bad option, the value given and what it must be; an
 * unknown option gets the closest real one ("did you mean …?") or the list of them.
 */
export function parseOptions<S extends z.ZodType>(owner: string, schema: S, options: unknown): z.output<S> {
  const result = schema.safeParse(options ?? {});
  if (result.success) return result.data;
  const known = schema instanceof ZodObject ? Object.keys(schema.shape as Record<string, unknown>) : [];
  const problems = result.error.issues.flatMap((i) => {
    const prefix = i.path.length > 0 ? `${i.path.join('.')}.` : '';
    if (i.code === 'unrecognized_keys') {
      // Nested options (an inner policy's) are checked again by the plugin they belong to.
      const names = i.path.length === 0 ? known : [];
      return i.keys.map((k) => {
        const hint = didYouMean(k, names);
        return `unknown option "${prefix}${k}"${hint !== '' || names.length === 0 ? hint : `; its options are ${names.join(', ')}`}`;
      });
    }
    const path = i.path.length > 0 ? i.path.join('.') : '(options)';
    return [`${path}: ${requirementOf(i)}${gotValue(valueAt(options, i.path))}`];
  });
  throw new ConfigError(`invalid options for ${owner}: ${problems.join('; ')}`);
}
