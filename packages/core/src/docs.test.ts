import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * docs/PLUGIN-API.md must not drift from the types: every field of the context, the plan and the
 * records, and every event, as declared in the sources, is named on that page.
 */
const here = dirname(fileURLToPath(import.meta.url));
const doc = readFileSync(join(here, '../../../docs/PLUGIN-API.md'), 'utf8');
const source = (file: string) => readFileSync(join(here, file), 'utf8');
/** Every identifier that appears inside a `code span` of the page. */
const documented = new Set([...doc.matchAll(/`([^`]+)`/g)].flatMap((m) => m[1]!.match(/\w+/g) ?? []));

/** Member names of an exported interface, read from its source. */
function members(file: string, name: string): string[] {
  const text = source(file);
  const start = text.indexOf(`export interface ${name} `);
  expect(start, `${name} in ${file}`).toBeGreaterThanOrEqual(0);
  const body = text.slice(text.indexOf('{', start) + 1);
  let depth = 1;
  let end = 0;
  for (; end < body.length && depth > 0; end++) depth += body[end] === '{' ? 1 : body[end] === '}' ? -1 : 0;
  // Top-level members only: lines indented by two spaces.
  return [...body.slice(0, end).matchAll(/^ {2}(?:readonly )?(\w+)\??[(:]/gm)].map((m) => m[1]!);
}

describe('docs/PLUGIN-API.md', () => {
  it.each([
    ['events/context.ts', 'TrainingContext'],
    ['plan/update-plan.ts', 'UpdatePlan'],
    ['callbacks/callback.ts', 'TrainingListener'],
    ['callbacks/callback.ts', 'Callback'],
    ['events/records.ts', 'StepRecord'],
    ['events/records.ts', 'EvaluationRecord'],
    ['events/records.ts', 'EpochRecord'],
    ['events/records.ts', 'TrainResult'],
    ['policy/skip-policy.ts', 'SkipPolicy'],
    ['model/structure.ts', 'LayerInfo'],
    ['checkpoint/stateful.ts', 'Stateful'],
    ['callbacks/callback.ts', 'TrainerAccess'],
    ['callbacks/callback.ts', 'WeightSnapshot'],
  ])('names every member of %s › %s', (file, name) => {
    const names = members(file, name);
    expect(names.length).toBeGreaterThan(0);
    for (const m of names) expect(documented.has(m), `${name}.${m} is not documented in docs/PLUGIN-API.md`).toBe(true);
  });
});
