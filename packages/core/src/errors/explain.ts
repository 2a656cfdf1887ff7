import type { z } from 'zod';

/** Edit distance (insert, delete, substitute; case-insensitive), for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known name closest to a misspelt one, within two edits (and fewer edits than the name has
 * letters, so "x" does not suggest "lr"); undefined when nothing is that close.
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const limit = Math.min(2, name.length - 1);
  const best = known.map((k) => [k, distance(name, k)] as const).sort((x, y) => x[1] - y[1])[0];
  return best !== undefined && best[1] <= limit ? best[0] : undefined;
}

/** ` (did you mean "x"?)`, or '' when no known name is close. */
export function didYouMean(name: string, known: readonly string[]): string {
  const hint = closestName(name, known);
  return hint === undefined ? '' : ` (did you mean "${hint}"?)`;
}

/** What a zod issue asks for, in plain words: "must be > 0", "must be one of: sgd, adam". */
export function requirementOf(issue: z.core.$ZodIssue): string {
  const i = issue as z.core.$ZodIssue & { minimum?: number | bigint; maximum?: number | bigint; inclusive?: boolean; exact?: boolean; expected?: string; values?: unknown[]; origin?: string };
  // A schema's own message (`.length(3, 'expected an image shape …')`) says it best.
  if (!/^(Too (small|big)|Invalid|Unrecognized)/.test(i.message)) return i.message;
  switch (i.code) {
    case 'too_small':
      if (i.origin === 'array' || i.origin === 'string') return `needs ${i.exact === true ? 'exactly' : 'at least'} ${i.minimum} ${i.origin === 'array' ? 'entries' : 'characters'}`;
      return `must be ${i.inclusive === false ? '>' : '≥'} ${i.minimum}`;
    case 'too_big':
      return `must be ${i.inclusive === false ? '<' : '≤'} ${i.maximum}`;
    case 'invalid_type':
      return `must be ${i.expected === 'int' ? 'an integer' : `a ${i.expected}`}`;
    case 'invalid_value':
      return `must be one of: ${(i.values ?? []).map(String).join(', ')}`;
    case 'not_multiple_of':
      return 'must be an integer';
    default:
      return i.message.replace(/^Invalid input: /, '');
  }
}

/** The value at `path` inside `root`, for "got …" in a message. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((v, p) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined), root);
}

/** `, got -3` (JSON), or '' when there is no value. */
export function gotValue(value: unknown): string {
  return value === undefined ? '' : `, got ${JSON.stringify(value)}`;
}
