import { describe, expect, it } from 'vitest';
import { PluginError } from '../errors/errors.js';
import { FULL_UPDATE } from '../plan/update-plan.js';
import type { SkipPolicyPlugin } from './plugin.js';
import { PluginRegistry } from './registry.js';

const never: SkipPolicyPlugin = { kind: 'skip-policy', name: 'never', description: 'baseline', create: () => ({ description: 'never', plan: () => FULL_UPDATE }) };

describe('PluginRegistry', () => {
  it('registers, lists and creates by name', () => {
    const r = new PluginRegistry().register(never);
    expect(r.names('skip-policy')).toEqual(['never']);
    expect(r.createPolicy('never').description).toBe('never');
    expect(r.createPolicy({ name: 'never', options: {} }).plan({} as never)).toBe(FULL_UPDATE);
  });

  it('unknown names list what is registered', () => {
    const r = new PluginRegistry().register(never);
    expect(() => r.createPolicy('wsu')).toThrow(PluginError);
    expect(() => r.createPolicy('wsu')).toThrow(/unknown skip-policy "wsu"; registered: never \(third-party plugins load with --plugin/);
    // A name one or two letters off gets the closest registered one.
    expect(() => r.createPolicy('nevr')).toThrow(/^unknown skip-policy "nevr"; registered: never; did you mean "never"\?$/);
  });

  it('refuses a second, different plugin under the same name', () => {
    const r = new PluginRegistry().register(never);
    expect(() => r.register({ ...never })).toThrow(/already registered/);
    expect(() => r.register(never)).not.toThrow();
  });

  it('loads third-party modules like built-ins and rejects modules without plugins', async () => {
    const r = new PluginRegistry();
    await r.load('mod', async () => ({ default: [never] }));
    expect(r.has('skip-policy', 'never')).toBe(true);
    await expect(r.load('empty', async () => ({ foo: 1 }))).rejects.toThrow(/exports no plugin/);
    await expect(
      r.load('./missing.js', async () => {
        throw new Error('Cannot find module');
      }),
    ).rejects.toThrow(/cannot load plugin module ".\/missing.js": Cannot find module/);
  });
});
