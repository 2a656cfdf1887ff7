import { backend_util, Mean, Sum, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { runMemoryKernel } from './heap.js';
import { runStock } from './stock.js';

/**
 * Sum and Mean over leading axes — `[N, H, W, C]` over `[0, 1, 2]` (BatchNorm statistics, the
 * gradients of every per-channel broadcast: bias, BN scale and shift) or `[N, F]` over `[0]`
 * (dense bias gradients): one SIMD pass adding rows into a per-column accumulator (in place on the wasm heap). tfjs-backend-wasm
 * transposes the reduced axes innermost first (a full copy with strided reads), and so does the
 * cpu backend; that made Sum and Mean ~16 % of a VGG-11 training step. Other reductions, and
 * non-float32 ones, go to tfjs's kernel.
 */
function reduceKernel(kernelName: 'Sum' | 'Mean', backendName: string): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const axes = util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.length < x.shape.length && axes.every((a, i) => a === i);
    if (!leading || x.dtype !== 'float32') return runStock(kernelName, backendName, args);
    const rows = x.shape.slice(0, axes.length).reduce((a, b) => a * b, 1);
    const kept = x.shape.slice(axes.length);
    const cols = kept.reduce((a, b) => a * b, 1);
    const shape = keepDims ? backend_util.expandShapeToKeepDim(kept, axes) : kept;
    const scale = kernelName === 'Mean' ? 1 / rows : 1;
    return runMemoryKernel(args.backend, 'wus_sum_rows', shape, [x], (out, [xs]) => [out, xs!, rows, cols, scale]);
  };
  return { kernelName, backendName, kernelFunc };
}

export const sumKernel = (backendName: string): KernelConfig => reduceKernel(Sum, backendName);
export const meanKernel = (backendName: string): KernelConfig => reduceKernel(Mean, backendName);
