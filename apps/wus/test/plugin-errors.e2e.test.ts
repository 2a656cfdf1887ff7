import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { wus } from './capture.js';

const quick = ['--limit', '256', '--epochs', '2'];

/** A plugin module of policies that fail in each place a plugin can fail. */
function brokenPlugins(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'broken-plugins-')), 'broken.mjs');
  const policy = (name: string, body: string) => `{ kind: 'skip-policy', name: '${name}', description: 'x', create: ${body} }`;
  writeFileSync(
    file,
    `const full = { groups: ['weight', 'bias', 'norm-scale', 'norm-shift'] };
export default [
  ${policy('no-plan', `() => ({ description: 'no-plan', plan: () => undefined })`)},
  ${policy('no-policy', `() => undefined`)},
  ${policy('throws-in-create', `() => { throw new RangeError('bad things') }`)},
  ${policy('throws-in-plan', `() => ({ description: 'p', plan: (ctx) => { if (ctx.epoch >= 1) null.groups; return full; } })`)},
  ${policy('throws-in-hook', `() => ({ description: 'h', plan: () => full, onEpochEnd: async () => { throw new Error('hook failed') } })`)},
];\n`,
  );
  return file;
}

describe('a plugin that misbehaves: one line naming it, exit 2', () => {
  afterEach(() => {
    delete process.env['WUS_DEBUG'];
  });

  it('refuses a plan or policy that is not one before any trial trains', async () => {
    const file = brokenPlugins();
    for (const [name, message] of [
      ['no-plan', /^wus: error: plugin "no-plan": plan\(\) returned undefined; it must return an update plan \{ groups: \[\.\.\.\] \}$/m],
      ['no-policy', /^wus: error: plugin "no-policy": create\(\) returned undefined; it must return a skip policy with a plan\(\) method$/m],
      ['throws-in-create', /^wus: error: plugin "throws-in-create": bad things$/m],
    ] as const) {
      const r = await wus(['compare', ...quick, '--plugin', file, '-P', `never,${name}`]);
      expect(r.code, name).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/epoch +1\/2/);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
  });

  it('attributes an error thrown while training to the plugin, with the stack only under --debug', async () => {
    const file = brokenPlugins();
    const plan = await wus(['train', ...quick, '--plugin', file, '--policy', 'throws-in-plan']);
    expect(plan.code).toBe(2);
    expect(plan.stderr).toMatch(/^wus: error: plugin "throws-in-plan": Cannot read properties of null \(reading 'groups'\)$/m);
    expect(plan.stderr).not.toMatch(/^\s+at /m);
    const hook = await wus(['--debug', 'train', ...quick, '--plugin', file, '--policy', 'throws-in-hook']);
    expect(hook.code).toBe(2);
    expect(hook.stderr).toMatch(/^wus: error: PluginError: plugin "throws-in-hook": hook failed$/m);
    expect(hook.stderr).toMatch(/^\s+at /m);
  });
});
