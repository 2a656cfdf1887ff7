import * as tf from '@tensorflow/tfjs-core';

/**
 * tfjs's own kernel configs that ours replaced, by backend, so that our kernels can hand the
 * cases they do not cover back to them (and tests and benches can compare).
 */
const originals = new Map<string, tf.KernelConfig | undefined>();
const setUp = new WeakMap<object, Set<string>>();
const key = (name: string, backend: string) => `${backend}/${name}`;

export function rememberStock(name: string, backend: string, config: tf.KernelConfig | undefined): void {
  const id = key(name, backend);
  if (!originals.has(id)) originals.set(id, config);
}

export function hasRememberedStock(name: string, backend: string): boolean {
  return originals.has(key(name, backend));
}

export function forgetStock(name: string, backend: string): tf.KernelConfig | undefined {
  const id = key(name, backend);
  const config = originals.get(id);
  originals.delete(id);
  return config;
}

/** tfjs's own kernel that ours replaced (undefined where tfjs has none), else the registered one. */
export function stockKernel(name: string, backend: string): tf.KernelConfig | undefined {
  const id = key(name, backend);
  return originals.has(id) ? originals.get(id) : tf.getKernel(name, backend);
}

/**
 * Runs tfjs's own kernel `name` of `backendName` on `args`. Its setup (the wasm backend binds
 * its C functions there) runs once per backend instance: tfjs skipped it if ours was registered
 * when the backend started.
 */
export function runStock(name: string, backendName: string, args: Parameters<tf.KernelFunc>[0]): ReturnType<tf.KernelFunc> {
  const config = stockKernel(name, backendName);
  if (config === undefined) throw new Error(`tfjs has no ${name} kernel for ${backendName}`);
  const backend = args.backend as object;
  let done = setUp.get(backend);
  if (done === undefined) setUp.set(backend, (done = new Set()));
  if (!done.has(name)) {
    config.setupFunc?.(args.backend as tf.KernelBackend);
    done.add(name);
  }
  return config.kernelFunc(args);
}
