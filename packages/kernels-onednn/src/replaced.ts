import type * as tf from '@tensorflow/tfjs-core';

/**
 * The kernels our registration replaced on the cpu backend (the WebAssembly package's, or tfjs's),
 * by name: ours hand them the few cases oneDNN cannot express.
 */
const replaced = new Map<string, tf.KernelConfig | undefined>();

export function rememberReplaced(name: string, config: tf.KernelConfig | undefined): void {
  replaced.set(name, config);
}

/** Forgets and returns what `name` replaced; `has` false when nothing is remembered. */
export function takeReplaced(name: string): { has: boolean; config: tf.KernelConfig | undefined } {
  const has = replaced.has(name);
  const config = replaced.get(name);
  replaced.delete(name);
  return { has, config };
}

/** Runs the kernel ours replaced, or says what is not supported. */
export function runReplaced(name: string, args: Parameters<tf.KernelFunc>[0], why: string): ReturnType<tf.KernelFunc> {
  const config = replaced.get(name);
  if (config === undefined) throw new Error(`onednn kernels: ${name} ${why} is not supported`);
  return config.kernelFunc(args);
}
