import { PluginRegistry, pluginsOfModule } from '@wus/core';
import { describe, expect, it } from 'vitest';
import * as mod from './index.js';

describe('@wus/policy-basic module', () => {
  it('exports its plugins so the registry can load the module like a third-party one', () => {
    const found = pluginsOfModule(mod as unknown as Record<string, unknown>);
    expect(found.map((p) => p.name)).toEqual(['never', 'warmup', 'cap', 'any', 'all']);
    const registry = new PluginRegistry().register(...found);
    expect(registry.names('skip-policy')).toEqual(['all', 'any', 'cap', 'never', 'warmup']);
  });

  it('composes wrappers by name, as in the README example', () => {
    const registry = new PluginRegistry().register(...mod.plugins);
    const p = registry.createPolicy({
      name: 'warmup',
      options: { epochs: 3, inner: { name: 'cap', options: { maxSkipFraction: 0.4, inner: 'never' } } },
    });
    expect(p.description).toBe('warmup(epochs=3,inner=cap(maxSkipFraction=0.4,inner=never))');
  });
});
