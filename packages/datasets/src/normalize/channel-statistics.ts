/** Per-channel mean and standard deviation of pixel values scaled to [0, 1]. */
export interface ChannelStatistics {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/**
 * Statistics of `pixel / 255` per channel over the samples `indices` of interleaved (HWC)
 * `pixels`, each sample `pixelsPerSample × channels` bytes. Per-channel 256-bin histograms keep
 * it exact and fast, as in `pixelStatistics`. A constant channel gets std 1.
 */
export function channelStatistics(
  pixels: Uint8Array,
  indices: ArrayLike<number>,
  pixelsPerSample: number,
  channels: number,
): ChannelStatistics {
  const histogram = new Float64Array(256 * channels);
  const sampleBytes = pixelsPerSample * channels;
  for (let k = 0; k < indices.length; k++) {
    const start = indices[k]! * sampleBytes;
    for (let p = start, end = start + sampleBytes; p < end; p += channels) {
      for (let c = 0; c < channels; c++) histogram[c * 256 + pixels[p + c]!]!++;
    }
  }
  const mean: number[] = [];
  const std: number[] = [];
  for (let c = 0; c < channels; c++) {
    const h = histogram.subarray(c * 256, (c + 1) * 256);
    let count = 0;
    let sum = 0;
    for (let v = 0; v < 256; v++) {
      count += h[v]!;
      sum += h[v]! * (v / 255);
    }
    if (count === 0) {
      mean.push(0);
      std.push(1);
      continue;
    }
    const m = sum / count;
    let squares = 0;
    for (let v = 0; v < 256; v++) squares += h[v]! * (v / 255 - m) ** 2;
    const s = Math.sqrt(squares / count);
    mean.push(m);
    std.push(s > 0 ? s : 1);
  }
  return { mean, std };
}
