import { z } from 'zod';

/**
 * A plugin named in a config or in another plugin's options: `"wus"` or `{ name, options }`.
 * Only the shape is checked here; the registry resolves the name (listing the registered ones
 * when it is unknown) and the named plugin validates its own options.
 */
export const pluginSpecSchema = z
  .union([z.string().min(1), z.strictObject({ name: z.string().min(1), options: z.unknown().optional() })])
  .describe('a plugin: "name" or { name, options }');
