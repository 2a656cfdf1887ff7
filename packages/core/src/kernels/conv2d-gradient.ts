import * as tf from '@tensorflow/tfjs-core';
import { traitsOf } from './kernel-package.js';

type Pair = [number, number] | number;
const isOne = (d: Pair | undefined) => d === undefined || (Array.isArray(d) ? d.every((v) => v === 1) : d === 1);

/** Whether the active backend's backprop kernels come from a kernel package that takes a `dilations` attr. */
function backendTakesDilations(): boolean {
  const backend = tf.getBackend();
  return ['Conv2DBackpropFilter', 'Conv2DBackpropInput'].every((k) => {
    const func = tf.getKernel(k, backend)?.kernelFunc;
    return func !== undefined && traitsOf(func)?.dilations === true;
  });
}

/**
 * Conv2D's gradient, as tfjs's (lazy per input: a frozen filter's gradient is never computed)
 * plus dilated convolutions: tfjs refuses dilation > 1 in gradients; kernel packages' backprop
 * kernels may take a `dilations` attribute (`KernelTraits.dilations`), and on a backend running
 * such kernels a dilated convolution trains. Elsewhere a dilated gradient fails with tfjs's message.
 */
export const conv2dGradConfig: tf.GradConfig = {
  kernelName: 'Conv2D',
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
    const { dilations, strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as {
      dilations?: Pair; strides: Pair; pad: unknown; dataFormat: string; dimRoundingMode?: string;
    };
    const dilated = !isOne(dilations);
    if (dilated && !backendTakesDilations()) {
      throw new Error(`Error in gradient of conv2D: dilation rates greater than 1 are not yet supported in gradients. Got dilations '${String(dilations)}'`);
    }
    const extra = dilated ? { dilations } : {};
    const common = { strides, pad, dataFormat, dimRoundingMode, ...extra };
    const g = dy as tf.Tensor4D;
    return {
      x: () => tf.engine().runKernel('Conv2DBackpropInput', { dy: g, filter }, { ...common, inputShape: x.shape } as unknown as tf.NamedAttrMap) as tf.Tensor,
      filter: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: g }, { ...common, filterShape: filter.shape } as unknown as tf.NamedAttrMap) as tf.Tensor,
    };
  },
};
