import { BatchMatMul, type KernelBackend, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { runConv } from './conv-call.js';
import { P, P_WORDS, threadsFor } from './conv-params.js';
import { runOnHeap } from './heap.js';
import { copyIn, copyOut } from './io.js';
import { kernelRuntime } from './runtime.js';
import { runStock } from './stock.js';

/** Largest op(B) each thread packs whole (floats; 32 MiB), as the forward convolution packs W. */
const MAX_PACKED_B = 8 * 1024 * 1024;

/**
 * BatchMatMul with a batch of one (what tfjs's matMul runs for every dense layer and its two
 * gradients), transposed operands included: our GEMM micro-kernel, rows split over the threads.
 * tfjs-backend-wasm's is single-threaded and ~9× slower with a transposed operand. Batched
 * products and other dtypes go to tfjs's kernel.
 */
export const batchMatMulKernel = (backendName: string): KernelConfig => {
  const kernelFunc: KernelFunc = (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    // tfjs's matMul passes its operands as they are (rank 2 for a dense layer); the kernel
    // broadcasts leading batch dimensions. Ours takes a batch of one.
    const batchOf = (t: TensorInfo) => t.shape.slice(0, -2).reduce((x, y) => x * y, 1);
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2 || batchOf(a) !== 1 || batchOf(b) !== 1) {
      return runStock(BatchMatMul, backendName, args);
    }
    const last2 = (t: TensorInfo, transposed: boolean): [number, number] => {
      const [r, c] = [t.shape[t.shape.length - 2]!, t.shape[t.shape.length - 1]!];
      return transposed ? [c, r] : [r, c];
    };
    const [m, k] = last2(a, transposeA);
    const [kb, n] = last2(b, transposeB);
    if (k !== kb) throw new Error(`wus kernels: BatchMatMul inner dimensions differ: ${k} vs ${kb} (a [${a.shape}], b [${b.shape}])`);
    if (m * k * n === 0 || k * n > MAX_PACKED_B) return runStock(BatchMatMul, backendName, args);
    // tfjs's output shape: the longer operand's leading (unit) dimensions, then [m, n].
    const lead = (a.shape.length >= b.shape.length ? a.shape : b.shape).slice(0, -2);
    const outShape = [...lead, m, n];
    const backend = args.backend as KernelBackend;
    const words = new Array<number>(P_WORDS).fill(0);
    words[P.N] = m;
    words[P.CI] = k;
    words[P.CO] = n;
    words[P.KH] = transposeA ? 1 : 0;
    words[P.KW] = transposeB ? 1 : 0;
    const rt = kernelRuntime();
    rt.reset();
    const threads = threadsFor(rt.threads, m * k * n, Math.ceil(m / 4));
    if (threads === 1) {
      // One thread: in place on the wasm heap, no copies (undefined elsewhere).
      const inPlace = runOnHeap(backend, 'wus_matmul', 'wus_matmul_scratch', words, outShape, [[P.X, a], [P.W, b]]);
      if (inPlace !== undefined) return inPlace;
    }
    words[P.X] = copyIn(rt, backend, a);
    words[P.W] = copyIn(rt, backend, b);
    const out = rt.allocF32(m * n);
    words[P.OUT] = out;
    runConv(rt, 'wus_matmul', 'wus_matmul_scratch', words, threads);
    return copyOut(rt, backend, outShape, out);
  };
  return { kernelName: BatchMatMul, backendName, kernelFunc };
};
