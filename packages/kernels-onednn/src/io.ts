import type * as tf from '@tensorflow/tfjs-core';

/**
 * The kernels run on tfjs's cpu backend, whose tensors are plain Float32Arrays in the JavaScript
 * heap (`data.get(dataId).values`): the addon reads them and writes fresh ones in place, no copy
 * either way. (The wasm backend's tensors live in its own WebAssembly memory, which a native
 * kernel could address too, but that heap can grow and move under a pointer, and its other
 * kernels are single-threaded WebAssembly: the cpu backend plus these kernels and the
 * WebAssembly package's memory-bound ones is the faster pair.)
 */
interface CpuBackend {
  data: { get(dataId: unknown): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

/** `t`'s float32 values, the tensor's own array. */
export function valuesOf(backend: tf.KernelBackend, t: tf.TensorInfo): Float32Array {
  const values = (backend as unknown as CpuBackend).data.get(t.dataId).values;
  if (values instanceof Float32Array) return values;
  return backend.readSync(t.dataId) as Float32Array;
}

/** A new tensor of `shape` whose values `fill` writes (its own array, handed to the backend as is). */
export function output(backend: tf.KernelBackend, shape: number[], fill: (out: Float32Array) => void): tf.TensorInfo {
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  fill(out);
  return (backend as unknown as CpuBackend).makeTensorInfo(shape, 'float32', out);
}
