import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compareConfig, trainConfig } from '../src/config/schema.js';
import { wus } from './capture.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const keys = [...new Set([...Object.keys(trainConfig.shape), ...Object.keys(compareConfig.shape)])];

describe('wus config --schema: the config-file reference, read from the schema', () => {
  it('lists every key either command reads, with its type, default, flag, command and meaning', async () => {
    const r = await wus(['config', '--schema']);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.trim().split('\n').slice(2);
    expect(rows.map((l) => l.trim().split(/\s+/)[0]).sort()).toEqual([...keys].sort());
    for (const row of rows) expect(row.trim().split(/ {2,}/), row).toHaveLength(6);
    expect(r.stdout).toMatch(/^ {2}batchSize +integer \(> 0\) +128 +--batch-size +both +mini-batch size$/m);
    expect(r.stdout).toMatch(/^ {2}prefixCache +size +"1GiB" +--prefix-cache +both +host memory the frozen-prefix cache may use/m);
    expect(r.stdout).toMatch(/^ {2}policies +plugin\[\] +\["never","wus","wus-lr"\] +--policies +compare +trials of `wus compare`, baseline first/m);
    expect(r.stdout).toMatch(/^ {2}policy +plugin +"never" +--policy +train /m);
  });

  it('docs/CONFIG.md holds exactly what `wus config --schema --format markdown` prints', async () => {
    const page = readFileSync(join(root, 'docs/CONFIG.md'), 'utf8');
    const generated = /<!-- wus config --schema --format markdown: begin -->\n([\s\S]*?)<!-- wus config --schema --format markdown: end -->/.exec(page)?.[1];
    const r = await wus(['config', '--schema', '--format', 'markdown']);
    expect(r.code).toBe(0);
    expect(generated, 'docs/CONFIG.md is out of date: regenerate its table with `node apps/wus/dist/main.js config --schema --format markdown`').toBe(r.stdout);
    expect(r.stdout.trim().split('\n')).toHaveLength(keys.length + 2);
  });

  it('--format json is the JSON Schema of a config file', async () => {
    const r = await wus(['config', '--schema', '--format', 'json']);
    const schema = JSON.parse(r.stdout) as { type: string; properties: Record<string, { description?: string }>; additionalProperties: boolean };
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties).sort()).toEqual([...keys].sort());
    for (const [key, s] of Object.entries(schema.properties)) expect(s.description, key).toMatch(/\w/);
    expect(schema.additionalProperties).toBe(false);
  });
});
