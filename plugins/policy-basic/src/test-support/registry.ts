/** Test helper: a real PluginRegistry with this package's plugins plus scripted test policies. */
import { PluginRegistry, skipWeights, type SkipPolicyPlugin, type TrainingContext, type UpdatePlan } from '@wus/core';
import { plugins } from '../index.js';
import { scriptedPolicy } from '@wus/core/testing';

/** A test-only plugin whose policy plans with `planOf` and ignores its options. */
export function scriptedPlugin(name: string, planOf: (ctx: TrainingContext) => UpdatePlan): SkipPolicyPlugin {
  return { kind: 'skip-policy', name, description: `test policy ${name}`, create: () => scriptedPolicy(name, planOf) };
}

export function basicRegistry(): PluginRegistry {
  return new PluginRegistry().register(
    ...plugins,
    scriptedPlugin('always', () => skipWeights()),
  );
}
