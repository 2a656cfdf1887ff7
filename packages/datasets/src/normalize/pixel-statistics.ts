/** Mean and standard deviation of pixel values scaled to [0, 1]. */
export interface PixelStatistics {
  readonly mean: number;
  readonly std: number;
}

/**
 * Statistics of `pixel / 255` over the samples `indices` of `pixels` (each `pixelsPerSample`
 * long). A 256-bin histogram keeps this exact and fast: no float sums over 47 million values.
 */
export function pixelStatistics(
  pixels: Uint8Array,
  indices: ArrayLike<number>,
  pixelsPerSample: number,
): PixelStatistics {
  const histogram = new Float64Array(256);
  for (let k = 0; k < indices.length; k++) {
    const start = indices[k]! * pixelsPerSample;
    for (let p = start, end = start + pixelsPerSample; p < end; p++) histogram[pixels[p]!]!++;
  }
  let count = 0;
  let sum = 0;
  for (let v = 0; v < 256; v++) {
    count += histogram[v]!;
    sum += histogram[v]! * (v / 255);
  }
  if (count === 0) return { mean: 0, std: 1 };
  const mean = sum / count;
  let squares = 0;
  for (let v = 0; v < 256; v++) squares += histogram[v]! * (v / 255 - mean) ** 2;
  const std = Math.sqrt(squares / count);
  // A constant image set has std 0; dividing by 1 instead keeps values finite.
  return { mean, std: std > 0 ? std : 1 };
}

/**
 * One Float32Array of `(pixel / 255 − mean) / std` for the samples `indices`, in that order.
 * A 256-entry lookup table replaces per-pixel arithmetic.
 */
export function standardize(
  pixels: Uint8Array,
  indices: ArrayLike<number>,
  pixelsPerSample: number,
  stats: PixelStatistics,
): Float32Array {
  const table = new Float32Array(256);
  for (let v = 0; v < 256; v++) table[v] = (v / 255 - stats.mean) / stats.std;
  const out = new Float32Array(indices.length * pixelsPerSample);
  for (let k = 0, o = 0; k < indices.length; k++) {
    const start = indices[k]! * pixelsPerSample;
    for (let p = start, end = start + pixelsPerSample; p < end; p++) out[o++] = table[pixels[p]!]!;
  }
  return out;
}
