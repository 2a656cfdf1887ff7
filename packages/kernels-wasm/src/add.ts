import { Add, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { runMemoryKernel } from './heap.js';
import { runStock } from './stock.js';

/**
 * Add, with one fast case: a float32 tensor plus a bias broadcast over its last axis
 * (`[..., C] + [C]`, either order), which every dense and convolution layer runs forward. One
 * SIMD pass in place on the wasm heap; tfjs-backend-wasm takes a generic broadcasting path for it
 * (2.2 ms for LeNet-5's first bias, 64×28×28×6, vs 0.75 ms for an add of equal shapes). Every
 * other Add goes to tfjs's kernel.
 */
function biasOf(a: TensorInfo, b: TensorInfo): [TensorInfo, TensorInfo] | undefined {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2) return undefined;
  const channels = a.shape[a.shape.length - 1]!;
  const isBias = b.shape.length >= 1 && b.shape[b.shape.length - 1] === channels && b.shape.slice(0, -1).every((d) => d === 1) && b.shape.length <= a.shape.length;
  return isBias && channels > 0 ? [a, b] : undefined;
}

export const addKernel = (backendName: string): KernelConfig => {
  const kernelFunc: KernelFunc = (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const pair = biasOf(a, b) ?? biasOf(b, a);
    if (pair === undefined) return runStock(Add, backendName, args);
    const [x, bias] = pair;
    const channels = x.shape[x.shape.length - 1]!;
    const rows = x.shape.reduce((p, d) => p * d, 1) / channels;
    return runMemoryKernel(args.backend, 'wus_add_bias', [...x.shape], [x, bias], (out, [xs, bs]) => [out, xs!, bs!, rows, channels]);
  };
  return { kernelName: Add, backendName, kernelFunc };
};
