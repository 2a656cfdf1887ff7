import { z } from 'zod';

/**
 * A skip-policy named in options, exactly as configs write it: `"wus"` or `{ name, options }`.
 * Validated here only for shape; the registry resolves the name (and lists the registered ones
 * when it is unknown), and the named plugin validates its own options.
 */
export const policySpecSchema = z
  .union([
    z.string().min(1),
    z.strictObject({
      name: z.string().min(1),
      options: z.unknown().optional(),
    }),
  ])
  .describe('a skip policy: "name" or { name, options }');

export type PolicySpecOption = z.output<typeof policySpecSchema>;
