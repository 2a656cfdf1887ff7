import type { z } from 'zod';

/** The flag of each config key that has one, as the user types it. */
export const FLAG_OF: Readonly<Record<string, string>> = {
  model: '--model',
  modelOptions: '--model-option',
  dataset: '--dataset',
  dataDir: '--data-dir',
  datasetOptions: '--dataset-option',
  validationFraction: '--val-fraction',
  limit: '--limit',
  epochs: '--epochs',
  batchSize: '--batch-size',
  lr: '--lr',
  optimizer: '--optimizer',
  momentum: '--momentum',
  weightDecay: '--weight-decay',
  lrSchedule: '--lr-schedule',
  seed: '--seed',
  backend: '--backend',
  policy: '--policy',
  policies: '--policies',
  plugins: '--plugin',
  prefixCache: '--prefix-cache',
  experiment: '--experiment',
  systemMetricsInterval: '--system-metrics-interval',
  registerModel: '--register-model',
  callbacks: '--callback',
  interleave: '--interleave',
  control: '--control',
};

/** Edit distance, for "did you mean" on a misspelt key. */
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

/** The closest known key within two edits, if any. */
export function suggest(key: string, known: readonly string[]): string | undefined {
  const best = known.map((k) => [k, distance(key, k)] as const).sort((x, y) => x[1] - y[1])[0];
  return best !== undefined && best[1] <= 2 ? best[0] : undefined;
}

/** What a zod issue asks for, in plain words ("must be > 0", "must be one of: sgd, adam"). */
function requirement(issue: z.core.$ZodIssue): string {
  const i = issue as z.core.$ZodIssue & { minimum?: number | bigint; maximum?: number | bigint; inclusive?: boolean; expected?: string; values?: unknown[]; origin?: string };
  switch (i.code) {
    case 'too_small':
      return i.origin === 'array' || i.origin === 'string' ? `needs at least ${i.minimum} ${i.origin === 'array' ? 'entries' : 'characters'}` : `must be ${i.inclusive === false ? '>' : '≥'} ${i.minimum}`;
    case 'too_big':
      return `must be ${i.inclusive === false ? '<' : '≤'} ${i.maximum}`;
    case 'invalid_type':
      return `must be ${i.expected === 'int' ? 'an integer' : `a ${i.expected}`}`;
    case 'invalid_value':
      return `must be one of: ${(i.values ?? []).map(String).join(', ')}`;
    case 'not_multiple_of':
      return 'must be an integer';
    default:
      // Our own refinements already say what the value must be.
      return i.message.replace(/^Invalid input: /, '').replace(/^Too (small|big): /, '');
  }
}

/**
 * One line per problem of the run configuration, in the user's terms: the flag as typed when
 * the value came from a flag, the config key and file otherwise, the value given, and what it
 * must be; a misspelt key gets a suggestion.
 */
export function explainConfigIssues(issues: readonly z.core.$ZodIssue[], given: { flags: Record<string, unknown>; file?: string; fileValues: Record<string, unknown> }, known: readonly string[]): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => {
        const hint = suggest(k, known);
        return `${given.file === undefined ? '' : `${given.file}: `}"${k}" is not a setting${hint === undefined ? `; settings are ${known.join(', ')}` : ` (did you mean "${hint}"?)`}`;
      });
    }
    const key = String(issue.path[0] ?? '');
    const value = issue.path.reduce<unknown>((v, p) => (v as Record<PropertyKey, unknown> | undefined)?.[p as PropertyKey], key in given.flags ? given.flags : given.fileValues);
    const fromFlag = key in given.flags && FLAG_OF[key] !== undefined;
    const where = fromFlag ? FLAG_OF[key]! : `${given.file === undefined ? '' : `${given.file}: `}${issue.path.join('.') || '(config)'}`;
    const got = value === undefined ? '' : `, got ${JSON.stringify(value)}`;
    return [`${where} ${requirement(issue)}${got}`];
  });
}
