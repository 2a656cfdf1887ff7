import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { wus } from './capture.js';
import { codeBlocks, root } from './docs.js';

/**
 * Every configuration sample in the READMEs and docs, and the main job's config file, is run
 * by the CLI (on a slice of the data, one epoch; a sweep file by `wus sweep`), so a sample that
 * stops working fails CI.
 */
const blocks = (lang: string) => codeBlocks().filter((b) => b.lang === lang).map((b) => [b.where, b.text] as const);

const SCHEDULES = ['constant', 'step', 'cosine', 'plateau'];
const quick = ['--limit', '256', '--epochs', '1', '--batch-size', '64'];
const dir = mkdtempSync(join(tmpdir(), 'readme-'));

/** A sweep file (`wus sweep --config`), whose trials are made quick in its base. */
const isSweep = (config: Record<string, unknown>) => 'grid' in config || 'random' in config;

async function runConfig(name: string, config: Record<string, unknown>) {
  const file = join(dir, `${name.replace(/[^a-z0-9]+/gi, '_')}.yaml`);
  const sweep = isSweep(config);
  writeFileSync(file, JSON.stringify(sweep ? { ...config, base: { ...(config['base'] as object), limit: 256, epochs: 1, batchSize: 64 } } : config));
  const r = await wus(sweep ? ['sweep', '--config', file] : ['policies' in config ? 'compare' : 'train', '--config', file, ...quick]);
  expect(r.code, `${name}: ${r.stderr}`).toBe(0);
}

describe('configuration samples in the docs run', () => {
  it('finds samples to run', () => {
    expect(blocks('yaml').length).toBeGreaterThanOrEqual(6);
    expect(blocks('json').length).toBeGreaterThanOrEqual(5);
  });

  it.each(blocks('yaml'))('YAML %s', async (name, text) => {
    await runConfig(name, parseYaml(text) as Record<string, unknown>);
  });

  // JSON samples that are plugin specs ({ name, options }): a policy, or an LR schedule. (Others
  // document file formats, e.g. the run store's meta.json.)
  const specs = blocks('json').filter(([, text]) => {
    try {
      const v = JSON.parse(text) as Record<string, unknown>;
      return typeof v['name'] === 'string' && Object.keys(v).every((k) => k === 'name' || k === 'options');
    } catch {
      return false;
    }
  });
  it.each(specs)('JSON %s', async (name, text) => {
    const spec = JSON.parse(text) as { name: string };
    await runConfig(name, SCHEDULES.includes(spec.name) ? { lrSchedule: spec } : { policy: spec });
  });

  it("the main job's config file", async () => {
    await runConfig('main-job', parseYaml(readFileSync(join(root, 'tools/main-job.yaml'), 'utf8')) as Record<string, unknown>);
  });
});
