import type * as tf from '@tensorflow/tfjs-core';
import { copyIn, copyOut } from './io.js';
import { P } from './conv-params.js';
import { instantiateOn, kernelRuntime, type HeapExports, type KernelEntry, type MemoryEntry, type ScratchEntry, type WasmGlobal, type WasmMemory } from './runtime.js';

/**
 * Memory-bound kernels run in place on tfjs-backend-wasm's heap: a second build of our C code
 * (wus-kernels-heap.wasm, no threads, no data segments) is instantiated on the backend's own
 * WebAssembly.Memory with a 64 KiB stack malloc'ed there, so it reads and writes the tensors
 * where they are (`dataIdMap.get(dataId).memoryOffset`). Elsewhere (the cpu backend) the same
 * functions run in the kernel runtime's memory, inputs copied in and the result out.
 */
interface EmscriptenModule {
  asm?: { memory?: WasmMemory };
  HEAP32: Int32Array;
  _malloc(bytes: number): number;
  _free(offset: number): void;
}
interface WasmBackendLike {
  wasm: EmscriptenModule;
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
}

const STACK = 65_536;
const onHeap = new WeakMap<object, HeapExports>();

function heapExports(backend: WasmBackendLike): HeapExports | undefined {
  let exports = onHeap.get(backend);
  if (exports !== undefined) return exports;
  const memory = backend.wasm.asm?.memory;
  if (memory === undefined) return undefined;
  const instance = instantiateOn(kernelRuntime().heapModule, memory);
  const stack = backend.wasm._malloc(STACK + 16) >>> 0;
  (instance.exports['__stack_pointer'] as WasmGlobal).value = (stack + STACK) & ~15;
  exports = instance.exports as unknown as HeapExports;
  onHeap.set(backend, exports);
  return exports;
}

export const isWasmBackend = (b: unknown): b is WasmBackendLike =>
  typeof (b as Partial<WasmBackendLike>).makeOutput === 'function' && (b as Partial<WasmBackendLike>).wasm !== undefined;

/**
 * Makes float32 outputs of `shapes` and runs `entry(...args(outs, inputs))` with byte offsets of
 * the outputs and the inputs: in place on the wasm heap, else through the kernel runtime.
 */
export function runMemoryKernels(
  backend: unknown,
  entry: MemoryEntry,
  shapes: readonly number[][],
  inputs: readonly tf.TensorInfo[],
  args: (outs: number[], inputs: number[]) => number[],
): tf.TensorInfo[] {
  if (isWasmBackend(backend)) {
    const exports = heapExports(backend);
    if (exports !== undefined) {
      const outs = shapes.map((shape) => backend.makeOutput(shape, 'float32'));
      const offset = (t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId).memoryOffset;
      exports[entry](...args(outs.map(offset), inputs.map(offset)));
      return outs;
    }
  }
  const rt = kernelRuntime();
  rt.reset();
  const kb = backend as tf.KernelBackend;
  const ins = inputs.map((t) => copyIn(rt, kb, t));
  const outs = shapes.map((shape) => rt.allocF32(shape.reduce((a, b) => a * b, 1)));
  rt.call(entry, ...args(outs, ins));
  return shapes.map((shape, i) => copyOut(rt, kb, shape, outs[i]!));
}

/** `runMemoryKernels` with one output. */
export function runMemoryKernel(
  backend: unknown,
  entry: MemoryEntry,
  shape: number[],
  inputs: readonly tf.TensorInfo[],
  args: (out: number, inputs: number[]) => number[],
): tf.TensorInfo {
  return runMemoryKernels(backend, entry, [shape], inputs, ([out], ins) => args(out!, ins))[0]!;
}

/**
 * Runs a parameter-block kernel (convolutions, max-pool gradient) on one thread in place on the
 * wasm heap: the output is made there, the parameter block and the scratch are malloc'ed there
 * and freed after. `inputs` maps parameter words (P.X, P.W, P.DY) to tensors. Returns undefined
 * where the backend is not tfjs-backend-wasm (the caller then uses the kernel runtime).
 */
export function runOnHeap(
  backend: unknown,
  entry: KernelEntry,
  scratch: ScratchEntry | undefined,
  words: number[],
  shape: number[],
  inputs: readonly (readonly [number, tf.TensorInfo])[],
): tf.TensorInfo | undefined {
  if (!isWasmBackend(backend)) return undefined;
  const exports = heapExports(backend);
  if (exports === undefined) return undefined;
  const out = backend.makeOutput(shape, 'float32');
  const offset = (t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId).memoryOffset;
  const w = [...words];
  w[P.OUT] = offset(out);
  for (const [word, t] of inputs) w[word] = offset(t);
  w[P.COUNTER] = 0;
  const params = backend.wasm._malloc(w.length * 4) >>> 0;
  backend.wasm.HEAP32.set(w, params >> 2);
  let area = 0;
  if (scratch !== undefined) {
    const bytes = exports[scratch](params) * 4 + 64;
    area = backend.wasm._malloc(bytes) >>> 0;
    const heap = backend.wasm.HEAP32; // fresh: malloc may have grown the heap
    heap[(params >> 2) + P.SCRATCH] = Math.ceil(area / 64) * 64;
    heap[(params >> 2) + P.SCRATCH_STRIDE] = 0;
  }
  try {
    exports[entry](params, 0, 1);
  } finally {
    if (area !== 0) backend.wasm._free(area);
    backend.wasm._free(params);
  }
  return out;
}
