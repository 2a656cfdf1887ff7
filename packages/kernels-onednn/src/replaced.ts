import * as tf from '@tensorflow/tfjs-core';

/**
 * The kernels our registration replaced (the WebAssembly package's, or tfjs's), by backend and
 * name: ours hand them the few cases oneDNN is not given (other dtypes, other batch broadcasts).
 */
const replaced = new Map<string, tf.KernelConfig | undefined>();
const setUp = new WeakMap<object, Set<string>>();
const key = (backend: string, name: string) => `${backend}/${name}`;

export function rememberReplaced(backend: string, name: string, config: tf.KernelConfig | undefined): void {
  replaced.set(key(backend, name), config);
}

/** Forgets and returns what `name` replaced on `backend`; `has` false when nothing is remembered. */
export function takeReplaced(backend: string, name: string): { has: boolean; config: tf.KernelConfig | undefined } {
  const id = key(backend, name);
  const has = replaced.has(id);
  const config = replaced.get(id);
  replaced.delete(id);
  return { has, config };
}

/**
 * Runs the kernel ours replaced on the active backend, or says what is not supported. tfjs ran
 * no setup for it (tfjs-backend-wasm binds its C function there) if ours was registered when the
 * backend started: run it once per backend instance.
 */
export function runReplaced(name: string, args: Parameters<tf.KernelFunc>[0], why: string): ReturnType<tf.KernelFunc> {
  const config = replaced.get(key(tf.getBackend(), name));
  if (config === undefined) throw new Error(`onednn kernels: ${name} ${why} is not supported`);
  let done = setUp.get(args.backend);
  if (done === undefined) setUp.set(args.backend, (done = new Set()));
  if (!done.has(name)) {
    config.setupFunc?.(args.backend);
    done.add(name);
  }
  return config.kernelFunc(args);
}
