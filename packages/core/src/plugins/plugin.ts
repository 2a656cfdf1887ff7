import type { ZodType } from 'zod';
import type { Callback } from '../callbacks/callback.js';
import type { DatasetBundle } from '../data/dataset.js';
import type { Model, ModelBuildOptions } from '../model/model.js';
import type { SkipPolicy } from '../policy/skip-policy.js';
import type { LrScheduler } from '../schedule/lr-scheduler.js';
import type { PluginRegistry } from './registry.js';

/** What plugins receive besides their own options: the registry, to compose other plugins by name. */
export interface PluginDeps {
  readonly registry: PluginRegistry;
}

/** Options of a dataset plugin; plugin-specific extras are validated by the plugin. */
export interface DatasetCreateOptions {
  readonly dataDir?: string;
  readonly validationFraction: number;
  readonly seed: number;
  /** Keep only the first N training images (after the split); for quick runs. */
  readonly limit?: number;
  readonly [extra: string]: unknown;
}

interface PluginBase<K extends string, O, T> {
  readonly kind: K;
  readonly name: string;
  readonly description: string;
  /**
   * The zod schema `create` validates its options with (each option `.describe`d, defaults set):
   * `wus plugins NAME` lists options, types and defaults from it. Optional for third parties.
   */
  readonly options?: ZodType;
  create(options: O, deps: PluginDeps): T;
}

export type SkipPolicyPlugin = PluginBase<'skip-policy', unknown, SkipPolicy>;
export type LrSchedulerPlugin = PluginBase<'lr-scheduler', unknown, LrScheduler>;
export type CallbackPlugin = PluginBase<'callback', unknown, Callback>;
export type ModelPlugin = PluginBase<'model', ModelBuildOptions & Readonly<Record<string, unknown>>, Model>;
export type DatasetPlugin = PluginBase<'dataset', DatasetCreateOptions, Promise<DatasetBundle>>;

export type Plugin = SkipPolicyPlugin | LrSchedulerPlugin | CallbackPlugin | ModelPlugin | DatasetPlugin;
export type PluginKind = Plugin['kind'];
export type PluginOfKind<K extends PluginKind> = Extract<Plugin, { kind: K }>;

export const PLUGIN_KINDS: readonly PluginKind[] = ['skip-policy', 'lr-scheduler', 'callback', 'model', 'dataset'];

/** A plugin named with its options, as written in configs: `"wus"` or `{ name: "wus", options: {...} }`. */
export type PluginSpec = string | { readonly name: string; readonly options?: unknown };

/** A module (file or package) that exports plugins: `default` or `plugins` as a plugin or an array. */
export function pluginsOfModule(mod: Record<string, unknown>): Plugin[] {
  const found: Plugin[] = [];
  for (const key of ['default', 'plugins', 'plugin']) {
    const v = mod[key];
    for (const item of Array.isArray(v) ? v : [v]) if (isPlugin(item) && !found.includes(item)) found.push(item);
  }
  return found;
}

export function isPlugin(v: unknown): v is Plugin {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Record<string, unknown>;
  return (
    typeof p['kind'] === 'string' &&
    (PLUGIN_KINDS as readonly string[]).includes(p['kind']) &&
    typeof p['name'] === 'string' &&
    typeof p['create'] === 'function'
  );
}
