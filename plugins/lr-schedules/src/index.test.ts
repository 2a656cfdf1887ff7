import { PluginError, PluginRegistry, pluginsOfModule } from '@wus/core';
import { describe, expect, it } from 'vitest';
import * as mod from './index.js';

const registry = () => new PluginRegistry().register(...mod.plugins);

describe('module', () => {
  it('exports the four schedulers as plugins', () => {
    const names = pluginsOfModule(mod as unknown as Record<string, unknown>).map((p) => p.name);
    expect(names).toEqual(['constant', 'step', 'cosine', 'plateau']);
    expect(registry().names('lr-scheduler')).toEqual(['constant', 'cosine', 'plateau', 'step']);
    expect(() => registry().createScheduler('exp')).toThrow(PluginError);
    expect(() => registry().createScheduler('exp')).toThrow(/registered: constant, cosine, plateau, step/);
  });
});
