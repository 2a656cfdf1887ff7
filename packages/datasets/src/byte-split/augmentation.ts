/**
 * The standard CIFAR training augmentation (as torchvision's `RandomCrop(32, padding=4)` then
 * `RandomHorizontalFlip()`): pad the image with `cropPadding` zero pixels on every side, cut a
 * random window of the original size, mirror it left–right with probability ½. Done while a
 * batch is converted to float32, so no padded copy is ever made.
 */
export interface Augmentation {
  /** Zero pixels added on each side before the random crop; 0 = no crop. */
  readonly cropPadding: number;
  /** Mirror left–right with probability ½. */
  readonly flip: boolean;
}

/** Where one augmented sample's window starts, relative to the image, and whether it is mirrored. */
export interface SampleTransform {
  /** Row and column offset in [−cropPadding, cropPadding]. */
  readonly dy: number;
  readonly dx: number;
  readonly flip: boolean;
}

/** Draws one sample's transform from `rng` (three draws, always, so streams stay aligned). */
export function drawTransform(augmentation: Augmentation, rng: () => number): SampleTransform {
  const p = augmentation.cropPadding;
  const dy = Math.floor(rng() * (2 * p + 1)) - p;
  const dx = Math.floor(rng() * (2 * p + 1)) - p;
  const flip = rng() < 0.5;
  return { dy, dx, flip: augmentation.flip && flip };
}

/** Per-channel 256-entry tables of `(v/255 − mean_c)/std_c`, channel after channel. */
export function normalizationTables(mean: readonly number[], std: readonly number[]): Float32Array {
  const table = new Float32Array(mean.length * 256);
  for (let c = 0; c < mean.length; c++) for (let v = 0; v < 256; v++) table[c * 256 + v] = (v / 255 - mean[c]!) / std[c]!;
  return table;
}

/**
 * Writes one HWC byte image (`src` from `srcOffset`) as normalised float32 into `out` at
 * `outOffset`, optionally cropped/mirrored by `t`. Pixels from outside the image are the
 * padding: raw 0 (black), normalised like any other pixel, as torchvision pads before
 * `Normalize`.
 */
export function writeSample(
  out: Float32Array,
  outOffset: number,
  src: Uint8Array,
  srcOffset: number,
  shape: readonly [number, number, number],
  tables: Float32Array,
  t?: SampleTransform,
): void {
  const [h, w, c] = shape;
  if (t === undefined || (t.dy === 0 && t.dx === 0 && !t.flip)) {
    const n = h * w * c;
    if (c === 1) {
      for (let p = 0; p < n; p++) out[outOffset + p] = tables[src[srcOffset + p]!]!;
    } else {
      for (let p = 0; p < n; p += c) for (let ch = 0; ch < c; ch++) out[outOffset + p + ch] = tables[ch * 256 + src[srcOffset + p + ch]!]!;
    }
    return;
  }
  let o = outOffset;
  for (let y = 0; y < h; y++) {
    const sy = y + t.dy;
    const rowInside = sy >= 0 && sy < h;
    for (let x = 0; x < w; x++) {
      const sx = (t.flip ? w - 1 - x : x) + t.dx;
      if (rowInside && sx >= 0 && sx < w) {
        const s = srcOffset + (sy * w + sx) * c;
        for (let ch = 0; ch < c; ch++) out[o++] = tables[ch * 256 + src[s + ch]!]!;
      } else {
        for (let ch = 0; ch < c; ch++) out[o++] = tables[ch * 256]!;
      }
    }
  }
}
