import { PluginError } from '../errors/errors.js';
import type { SkipPolicy } from '../policy/skip-policy.js';
import type { LrScheduler } from '../schedule/lr-scheduler.js';
import {
  PLUGIN_KINDS,
  isPlugin,
  pluginsOfModule,
  type Plugin,
  type PluginKind,
  type PluginOfKind,
  type PluginSpec,
} from './plugin.js';

/**
 * Every plugin — built-in or third-party — enters through `register`; the core never names one.
 * Names are unique per kind.
 */
export class PluginRegistry {
  private readonly byKind = new Map<PluginKind, Map<string, Plugin>>(PLUGIN_KINDS.map((k) => [k, new Map()]));

  register(...plugins: Plugin[]): this {
    for (const plugin of plugins) {
      if (!isPlugin(plugin)) throw new PluginError(`not a plugin: ${JSON.stringify(plugin)} (need kind, name, create)`);
      const table = this.byKind.get(plugin.kind)!;
      const existing = table.get(plugin.name);
      if (existing !== undefined && existing !== plugin) {
        throw new PluginError(`a ${plugin.kind} plugin named "${plugin.name}" is already registered`);
      }
      table.set(plugin.name, plugin);
    }
    return this;
  }

  /** Loads a plugin module by path or package name and registers what it exports. */
  async load(specifier: string, importer: (s: string) => Promise<Record<string, unknown>>): Promise<Plugin[]> {
    let mod: Record<string, unknown>;
    try {
      mod = await importer(specifier);
    } catch (cause) {
      throw new PluginError(`cannot load plugin module "${specifier}": ${(cause as Error).message}`, { cause });
    }
    const plugins = pluginsOfModule(mod);
    if (plugins.length === 0) {
      throw new PluginError(
        `plugin module "${specifier}" exports no plugin: export default (or "plugins") an object { kind, name, create } or an array of them`,
      );
    }
    this.register(...plugins);
    return plugins;
  }

  get<K extends PluginKind>(kind: K, name: string): PluginOfKind<K> {
    const plugin = this.byKind.get(kind)!.get(name);
    if (plugin === undefined) {
      const known = this.names(kind);
      throw new PluginError(
        `unknown ${kind} "${name}"; registered: ${known.length > 0 ? known.join(', ') : '(none)'}` +
          ' (third-party plugins load with --plugin <file or package>)',
      );
    }
    return plugin as PluginOfKind<K>;
  }

  has(kind: PluginKind, name: string): boolean {
    return this.byKind.get(kind)!.has(name);
  }

  names(kind: PluginKind): string[] {
    return [...this.byKind.get(kind)!.keys()].sort();
  }

  list(kind?: PluginKind): Plugin[] {
    const kinds = kind === undefined ? PLUGIN_KINDS : [kind];
    return kinds.flatMap((k) => [...this.byKind.get(k)!.values()]);
  }

  createPolicy(spec: PluginSpec): SkipPolicy {
    const { name, options } = normalizeSpec(spec);
    return this.get('skip-policy', name).create(options, { registry: this });
  }

  createScheduler(spec: PluginSpec): LrScheduler {
    const { name, options } = normalizeSpec(spec);
    return this.get('lr-scheduler', name).create(options, { registry: this });
  }
}

export function normalizeSpec(spec: PluginSpec): { name: string; options: unknown } {
  return typeof spec === 'string' ? { name: spec, options: {} } : { name: spec.name, options: spec.options ?? {} };
}
