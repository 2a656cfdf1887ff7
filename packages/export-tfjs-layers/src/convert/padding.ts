/** How tfjs-layers expresses a convolution's padding. */
export interface LayersPadding {
  readonly padding: 'same' | 'valid';
  /** Zero rows/columns a ZeroPadding2D layer adds on every side first; 0: none. */
  readonly zeroPad: number;
}

/** Rows TensorFlow's 'same' pads before and after an input of `size` (floor half before). */
export function samePads(size: number, kernelSize: number, strides: number, dilation: number): [number, number] {
  const effective = (kernelSize - 1) * dilation + 1;
  const total = Math.max((Math.ceil(size / strides) - 1) * strides + effective - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/**
 * tfjs-layers' Conv2D knows only 'same' and 'valid'. An explicit padding `p` (PyTorch's
 * `padding=p`: p zeros on every side) is 'valid' when p = 0 and 'same' when TensorFlow's 'same'
 * pads exactly p on every side of this input — a stride-1 3×3 convolution with p = 1 — but not
 * in general: for a stride-2 3×3 convolution of an even-sized input 'same' pads 0 before and 1
 * after, so the windows would shift by a pixel. Then a ZeroPadding2D of p precedes a 'valid'
 * convolution.
 */
export function layersPadding(
  padding: 'same' | 'valid' | number,
  inputSize: readonly [number, number],
  kernelSize: number,
  strides: number,
  dilation: number,
): LayersPadding {
  if (padding === 'same' || padding === 'valid') return { padding, zeroPad: 0 };
  if (padding === 0) return { padding: 'valid', zeroPad: 0 };
  const sameIsSymmetric = inputSize.every((n) => samePads(n, kernelSize, strides, dilation).every((p) => p === padding));
  return sameIsSymmetric ? { padding: 'same', zeroPad: 0 } : { padding: 'valid', zeroPad: padding };
}
