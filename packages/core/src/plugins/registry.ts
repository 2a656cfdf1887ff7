import { PluginError } from '../errors/errors.js';
import { closestName } from '../errors/explain.js';
import { attributeToPlugin, guardPlugin } from './guard.js';
import type { Callback } from '../callbacks/callback.js';
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
      const hint = closestName(name, known);
      throw new PluginError(
        `unknown ${kind} "${name}"; registered: ${known.length > 0 ? known.join(', ') : '(none)'}` +
          (hint === undefined ? ' (third-party plugins load with --plugin <file or package>)' : `; did you mean "${hint}"?`),
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

  /**
   * A policy from its spec. Whatever the plugin throws — from `create`, `plan` or a hook — is
   * attributed to it (`plugin "<name>": …`); `create` must return a policy with `plan`, and `plan`
   * an object with `groups` (the trainer validates the rest against the model).
   */
  createPolicy(spec: PluginSpec): SkipPolicy {
    const { name, options } = normalizeSpec(spec);
    const policy = this.created(name, 'skip policy', 'plan', () => this.get('skip-policy', name).create(options, { registry: this }));
    return guardPlugin(name, policy, (method, result) =>
      method === 'plan' && (result === null || typeof result !== 'object' || !Array.isArray((result as { groups?: unknown }).groups))
        ? `plan() returned ${JSON.stringify(result) ?? 'undefined'}; it must return an update plan { groups: [...] }`
        : undefined,
    );
  }

  createScheduler(spec: PluginSpec): LrScheduler {
    const { name, options } = normalizeSpec(spec);
    const scheduler = this.created(name, 'LR scheduler', 'factor', () => this.get('lr-scheduler', name).create(options, { registry: this }));
    return guardPlugin(name, scheduler, (method, result) =>
      method === 'factor' && !(typeof result === 'number' && Number.isFinite(result) && result >= 0)
        ? `factor() returned ${String(result)}; it must return a finite number ≥ 0`
        : undefined,
    );
  }

  /** A callback from its spec; what it throws is attributed to it, as for policies. */
  createCallback(spec: PluginSpec): Callback {
    const { name, options } = normalizeSpec(spec);
    const plugin = this.get('callback', name);
    let callback: unknown;
    try {
      callback = plugin.create(options, { registry: this });
    } catch (e) {
      throw attributeToPlugin(name, e);
    }
    if (callback === null || typeof callback !== 'object') {
      throw attributeToPlugin(name, new PluginError(`create() returned ${JSON.stringify(callback) ?? 'undefined'}; it must return a callback object`));
    }
    return guardPlugin(name, callback as Callback);
  }

  /** Runs a plugin's `create` (unknown names fail as before) and checks it built something usable. */
  private created<T extends object>(name: string, what: string, method: string, create: () => T): T {
    const plugin = this.byKind.get(what === 'skip policy' ? 'skip-policy' : 'lr-scheduler')!.get(name);
    if (plugin === undefined) return create(); // throws the "unknown plugin" error
    let instance: unknown;
    try {
      instance = create();
    } catch (e) {
      throw attributeToPlugin(name, e);
    }
    if (instance === null || typeof instance !== 'object' || typeof (instance as Record<string, unknown>)[method] !== 'function') {
      throw attributeToPlugin(name, new PluginError(`create() returned ${JSON.stringify(instance) ?? 'undefined'}; it must return a ${what} with a ${method}() method`));
    }
    return instance as T;
  }
}

export function normalizeSpec(spec: PluginSpec): { name: string; options: unknown } {
  return typeof spec === 'string' ? { name: spec, options: {} } : { name: spec.name, options: spec.options ?? {} };
}
