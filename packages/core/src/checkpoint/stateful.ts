import { ConfigError } from '../errors/errors.js';

/** A value a checkpoint can hold as JSON (non-finite numbers included: the codec keeps them). */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * What a plugin's `state()` returns: JSON, in which float32/int32 arrays may stand anywhere
 * (e.g. a copy of the best weights): the checkpoint stores them as binary tensors.
 */
export type PluginState =
  | null
  | boolean
  | number
  | string
  | Float32Array
  | Int32Array
  | readonly PluginState[]
  | { readonly [key: string]: PluginState };

/**
 * What a stateful plugin (policy, LR schedule, callback) implements so that a run can be
 * resumed: `state()` returns everything its future decisions depend on, as plain JSON;
 * `restore(state)` puts it back into a freshly created instance with the same options.
 *
 * On resume the trainer emits `onTrainBegin` again (the context shows where training stands),
 * then calls `restore` — so a plugin may reset itself in `onTrainBegin`; the restored state
 * wins.
 */
export interface Stateful {
  state(): PluginState;
  restore(state: PluginState): void;
}

/**
 * Declares a plugin instance with nothing to save, although it listens to training events
 * (e.g. a progress printer).
 */
export interface DeclaredStateless {
  readonly stateless: true;
}

const EVENT_HOOKS = ['onTrainBegin', 'onEpochBegin', 'onStepEnd', 'onEvaluation', 'onEpochEnd', 'onTrainEnd'] as const;

export function isStateful(x: object): x is Stateful {
  const o = x as Partial<Stateful>;
  return typeof o.state === 'function' && typeof o.restore === 'function';
}

/**
 * Whether a listener can be resumed: it saves its state, declares it has none, or listens to
 * no event at all (then its decisions can only come from the context it is handed, which the
 * checkpoint restores). A listener that hears events but cannot save what it learnt from them
 * would resume with a blank memory and decide differently: such a run is refused.
 */
export function resumable(x: object): boolean {
  if (isStateful(x) || (x as Partial<DeclaredStateless>).stateless === true) return true;
  return !EVENT_HOOKS.some((h) => typeof (x as Record<string, unknown>)[h] === 'function');
}

/** Throws the one-line refusal for a listener that cannot be resumed. */
export function assertResumable(x: object, what: string): void {
  if (resumable(x)) return;
  throw new ConfigError(
    `${what} listens to training events but has no state()/restore(), so a resumed run would forget what it learnt; ` +
      'implement state() and restore() (docs/PLUGIN-API.md, "State") or declare `stateless: true` if it keeps nothing',
  );
}

/** Checks that `state` is an object; the message names the plugin whose checkpoint is broken. */
export function stateObject(state: PluginState, what: string): { readonly [key: string]: PluginState } {
  if (state === null || typeof state !== 'object' || Array.isArray(state) || ArrayBuffer.isView(state)) {
    throw new ConfigError(`${what}: the checkpoint holds no valid state for it (expected an object, got ${JSON.stringify(state)})`);
  }
  return state as { readonly [key: string]: PluginState };
}

/**
 * A listener's state for a checkpoint: `state()` when it has one, null when it keeps nothing
 * (see `resumable`); a listener that cannot be resumed throws the refusal. Wrappers save their
 * inner policies through this, so one unresumable part refuses the whole.
 */
export function saveState(x: object, what: string): PluginState {
  assertResumable(x, what);
  return isStateful(x) ? x.state() : null;
}

/** Puts back what `saveState` saved (nothing for a listener without state). */
export function restoreState(x: object, state: PluginState, what: string): void {
  assertResumable(x, what);
  if (isStateful(x)) x.restore(state);
}
