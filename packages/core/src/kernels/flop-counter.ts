import * as tf from '@tensorflow/tfjs-core';
import { markKernel, traitsOf } from './kernel-package.js';

/**
 * Counts the FLOPs of the convolution and matrix-product kernels that actually run during
 * training steps, split into forward, input-gradient (dX) and weight-gradient (dW) work: the
 * "compute saved" of a comparison comes from these counts, not from what a plan intended.
 *
 * It wraps the registered kernels of a backend (any backend: wasm, cpu, tensorflow), so it
 * counts what tfjs dispatched. The trainer switches the phase: kernels run outside a training
 * step (evaluation) are not counted. BatchMatMul in the backward pass is dW when it computes the
 * gradient of the right operand — our `dense` layer's weight (x·W) — and dX otherwise; the
 * gradient override (matmul-gradient.ts) says which one it is computing.
 */
export interface FlopCount {
  forward: number;
  dX: number;
  dW: number;
}

export type FlopPhase = 'off' | 'forward' | 'backward';

const tally: FlopCount = { forward: 0, dX: 0, dW: 0 };
let phase: FlopPhase = 'off';
let matMulRole: 'dX' | 'dW' = 'dX';

export function setFlopPhase(p: FlopPhase): void {
  phase = p;
}

/** Runs `f` with backward BatchMatMuls counted as `role`. */
export function withMatMulRole<T>(role: 'dX' | 'dW', f: () => T): T {
  const before = matMulRole;
  matMulRole = role;
  try {
    return f();
  } finally {
    matMulRole = before;
  }
}

/** Counts since the last call, and resets them. */
export function takeFlops(): FlopCount {
  const out = { ...tally };
  tally.forward = tally.dX = tally.dW = 0;
  return out;
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const firstOutput = (out: tf.TensorInfo | tf.TensorInfo[]) => (Array.isArray(out) ? out[0]! : out);

type Counter = (inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap, out: tf.TensorInfo) => void;

const COUNTERS: Record<string, Counter> = {
  Conv2D: (inputs, _attrs, out) => {
    const [kh, kw, ci] = inputs['filter']!.shape as number[];
    if (phase === 'forward') tally.forward += 2 * size(out.shape) * kh! * kw! * ci!;
    else tally.dX += 2 * size(out.shape) * kh! * kw! * ci!;
  },
  Conv2DBackpropInput: (inputs) => {
    const [kh, kw, ci] = inputs['filter']!.shape as number[];
    tally.dX += 2 * size(inputs['dy']!.shape) * kh! * kw! * ci!;
  },
  Conv2DBackpropFilter: (inputs, attrs) => {
    const [kh, kw, ci] = attrs['filterShape'] as number[];
    tally.dW += 2 * size(inputs['dy']!.shape) * kh! * kw! * ci!;
  },
  BatchMatMul: (inputs, attrs, out) => {
    const a = inputs['a']!.shape;
    const k = attrs['transposeA'] === true ? a[a.length - 2]! : a[a.length - 1]!;
    const flops = 2 * size(out.shape) * k;
    if (phase === 'forward') tally.forward += flops;
    else tally[matMulRole] += flops;
  },
};

const wrapped = new WeakSet<tf.KernelFunc>();

/** Wraps the counted kernels of `backend` (idempotent; call after all kernels are registered). */
export function installFlopCounter(backend: string): void {
  for (const [name, count] of Object.entries(COUNTERS)) {
    const config = tf.getKernel(name, backend);
    if (config === undefined || wrapped.has(config.kernelFunc)) continue;
    const inner = config.kernelFunc;
    const kernelFunc: tf.KernelFunc = (args) => {
      const out = inner(args);
      if (phase !== 'off') count(args.inputs, args.attrs ?? {}, firstOutput(out));
      return out;
    };
    wrapped.add(kernelFunc);
    // The wrapper is the package's kernel all the same (what the gradients ask of it).
    const traits = traitsOf(inner);
    if (traits !== undefined) markKernel(kernelFunc, traits);
    tf.unregisterKernel(name, backend);
    tf.registerKernel({ ...config, kernelFunc });
  }
}
