import type * as tf from '@tensorflow/tfjs-core';

/**
 * The addon reads and writes the tensors' own memory, no copy either way, on both backends:
 *
 * - cpu: tensors are plain Float32Arrays in the JavaScript heap (`data.get(dataId).values`);
 *   outputs are fresh arrays handed to the backend as they are (`makeTensorInfo`).
 * - wasm: tensors live in tfjs-backend-wasm's WebAssembly memory (`typedArrayFromHeap`), outputs
 *   are allocated there (`makeOutput`). That memory can grow, which detaches every view taken
 *   before: the output is allocated first, then the views are taken, then the addon runs
 *   synchronously (nothing can grow the memory meanwhile).
 *
 * Why both: the cpu backend's own elementwise kernels (ReLU, pooling, bias adds) are JavaScript,
 * the wasm backend's are compiled C; which pairing trains faster is measured (`auto`'s probe).
 */
interface WasmBackend {
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
}
interface CpuBackend {
  data: { get(dataId: unknown): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

const isWasm = (b: unknown): b is WasmBackend => typeof (b as Partial<WasmBackend>).typedArrayFromHeap === 'function';

function valuesOf(backend: tf.KernelBackend, t: tf.TensorInfo): Float32Array {
  if (isWasm(backend)) return backend.typedArrayFromHeap(t);
  const values = (backend as unknown as CpuBackend).data.get(t.dataId).values;
  if (values instanceof Float32Array) return values;
  return backend.readSync(t.dataId) as Float32Array;
}

/**
 * A new float32 tensor of `shape` whose values `fill` writes, given the views of `inputs` (taken
 * after the output is allocated, see above).
 */
export function output(backend: tf.KernelBackend, shape: number[], inputs: readonly tf.TensorInfo[], fill: (out: Float32Array, ...ins: Float32Array[]) => void): tf.TensorInfo {
  for (const t of inputs) if (t.dtype !== 'float32') throw new Error(`onednn kernels take float32 tensors, got ${t.dtype}`);
  if (isWasm(backend)) {
    const out = backend.makeOutput(shape, 'float32');
    fill(backend.typedArrayFromHeap(out), ...inputs.map((t) => valuesOf(backend, t)));
    return out;
  }
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  fill(out, ...inputs.map((t) => valuesOf(backend, t)));
  return (backend as unknown as CpuBackend).makeTensorInfo(shape, 'float32', out);
}
