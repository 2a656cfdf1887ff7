import { z } from 'zod';

/**
 * Building blocks for response schemas. MLflow serialises protobuf messages as JSON with the
 * proto field names (snake_case), int64 as JSON numbers (strings are accepted too), doubles that
 * are not finite as the strings "NaN", "Infinity", "-Infinity", and omits unset fields.
 */

export const int64 = z.union([z.number(), z.string().regex(/^-?\d+$/)]).transform((v) => Number(v));

export const double = z
  .union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])])
  .transform((v) => (typeof v === 'number' ? v : Number(v)));

/** A metric value as the REST API wants it: JSON has no NaN or Infinity. */
export function encodeDouble(v: number): number | 'NaN' | 'Infinity' | '-Infinity' {
  if (Number.isFinite(v)) return v;
  if (Number.isNaN(v)) return 'NaN';
  return v > 0 ? 'Infinity' : '-Infinity';
}

export const keyValue = z.object({ key: z.string(), value: z.string().optional() });

/** `[{ key, value }]` → `{ key: value }` (MLflow's entities expose tags and params as dicts). */
export const keyValueRecord = z
  .array(keyValue)
  .optional()
  .transform((list) => toRecord(list ?? []));

export function toRecord(list: readonly { key: string; value?: string | undefined }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { key, value } of list) out[key] = value ?? '';
  return out;
}

/** `{ key: value }` → `[{ key, value }]` for request bodies. */
export function toKeyValues(record: Readonly<Record<string, string>> | undefined): { key: string; value: string }[] {
  return Object.entries(record ?? {}).map(([key, value]) => ({ key, value }));
}

/** An empty response (`{}`), as most mutating endpoints return. */
export const empty = z.object({}).loose();

export const pageToken = z.string().optional().transform((t) => (t === undefined || t === '' ? undefined : t));

/** One page of a paged search. */
export interface Page<T> {
  readonly items: T[];
  /** Pass back to get the next page; undefined on the last page. */
  readonly nextPageToken: string | undefined;
}

/** Follows page tokens until the last page (or `limit` items). */
export async function collectPages<T>(
  fetchPage: (pageToken: string | undefined) => Promise<Page<T>>,
  limit = Number.POSITIVE_INFINITY,
): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    out.push(...page.items);
    token = page.nextPageToken;
  } while (token !== undefined && out.length < limit);
  return out.length > limit ? out.slice(0, limit) : out;
}
