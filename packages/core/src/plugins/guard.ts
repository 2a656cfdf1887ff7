import { PluginError, WusError } from '../errors/errors.js';

/** Marks an error already attributed to a plugin, so that wrappers do not re-attribute it. */
const ATTRIBUTED = Symbol('wus.attributedToPlugin');

/**
 * What a plugin throws, as one line naming the plugin: `plugin "<name>": <message>`. Our typed
 * errors keep their class (and exit code) with the name put in front; anything else (a
 * TypeError in a third-party plugin) becomes a `PluginError` with the original as its cause.
 * An error already attributed — by the inner policy of a wrapper — passes through unchanged.
 */
export function attributeToPlugin(name: string, error: unknown): Error {
  if (error instanceof Error && (error as { [ATTRIBUTED]?: boolean })[ATTRIBUTED] === true) return error;
  const attributed =
    error instanceof WusError
      ? Object.assign(error, { message: `plugin "${name}": ${error.message}` })
      : new PluginError(`plugin "${name}": ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  Object.defineProperty(attributed, ATTRIBUTED, { value: true });
  return attributed;
}

/**
 * Wraps a plugin's instance so that every method call (plan, hooks, factor, state/restore)
 * attributes what it throws to the plugin; `check(method, result)` may refuse a result (e.g. a
 * plan that is not an object). The proxy forwards everything else, `instanceof` included.
 */
export function guardPlugin<T extends object>(name: string, instance: T, check?: (method: string, result: unknown) => string | undefined): T {
  return new Proxy(instance, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return (...args: unknown[]) => {
        let result: unknown;
        try {
          result = (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (e) {
          throw attributeToPlugin(name, e);
        }
        if (result instanceof Promise) return result.catch((e: unknown) => Promise.reject(attributeToPlugin(name, e)));
        const problem = check?.(prop, result);
        if (problem !== undefined) throw attributeToPlugin(name, new PluginError(problem));
        return result;
      };
    },
  });
}
