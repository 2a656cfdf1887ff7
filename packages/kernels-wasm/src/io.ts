import type * as tf from '@tensorflow/tfjs-core';
import type { KernelRuntime } from './runtime.js';

/**
 * Moving tensors between a tfjs backend and the kernel runtime's memory. The kernels run in
 * their own WebAssembly memory (shared with their worker thread), so inputs are copied in and
 * the result copied out: a memcpy, small next to the convolutions (measured in tools/bench).
 *
 * wasm backend: tensors live in its heap (`dataIdMap.get(dataId).memoryOffset`), read through
 * `typedArrayFromHeap`; outputs are made with `makeOutput` and filled in place. cpu backend:
 * `data.get(dataId).values` / `makeTensorInfo`.
 */
interface WasmLikeBackend {
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
}
interface CpuLikeBackend {
  data: { get(dataId: unknown): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

/** Views of `t`'s float32 values, without copying where the backend allows it. */
export function valuesOf(backend: tf.KernelBackend, t: tf.TensorInfo): Float32Array {
  if (t.dtype !== 'float32') throw new Error(`wus kernels take float32 tensors, got ${t.dtype}`);
  const b = backend as unknown as Partial<WasmLikeBackend & CpuLikeBackend>;
  if (typeof b.typedArrayFromHeap === 'function') return b.typedArrayFromHeap(t);
  const values = b.data?.get(t.dataId).values;
  if (values instanceof Float32Array) return values;
  return backend.readSync(t.dataId) as Float32Array;
}

/** Copies `t` into a fresh arena block; returns its offset. */
export function copyIn(rt: KernelRuntime, backend: tf.KernelBackend, t: tf.TensorInfo): number {
  const src = valuesOf(backend, t);
  const at = rt.allocF32(src.length);
  rt.f32(at, src.length).set(src);
  return at;
}

/** A backend tensor of `shape` holding the `count` floats at arena offset `at`. */
export function copyOut(rt: KernelRuntime, backend: tf.KernelBackend, shape: number[], at: number): tf.TensorInfo {
  const count = shape.reduce((a, b) => a * b, 1);
  const src = rt.f32(at, count);
  const b = backend as unknown as Partial<WasmLikeBackend & CpuLikeBackend>;
  if (typeof b.makeOutput === 'function' && typeof b.typedArrayFromHeap === 'function') {
    const out = b.makeOutput(shape, 'float32');
    b.typedArrayFromHeap(out).set(src);
    return out;
  }
  if (typeof b.makeTensorInfo === 'function') return b.makeTensorInfo(shape, 'float32', src.slice());
  throw new Error('wus kernels: backend can make no output tensor');
}
