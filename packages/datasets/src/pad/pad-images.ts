/**
 * Centres `count` single-channel `rows × cols` byte images on a zero (black) `toRows × toCols`
 * canvas, e.g. Fashion-MNIST 28×28 → 32×32 for networks designed for CIFAR-sized inputs.
 * Returns the input unchanged when the size already matches.
 */
export function padImages(pixels: Uint8Array, count: number, rows: number, cols: number, toRows: number, toCols: number): Uint8Array {
  if (toRows < rows || toCols < cols) throw new RangeError(`cannot pad ${rows}×${cols} images to a smaller ${toRows}×${toCols}`);
  if (toRows === rows && toCols === cols) return pixels;
  const top = Math.floor((toRows - rows) / 2);
  const left = Math.floor((toCols - cols) / 2);
  const out = new Uint8Array(count * toRows * toCols);
  for (let i = 0; i < count; i++) {
    for (let r = 0; r < rows; r++) {
      const src = (i * rows + r) * cols;
      out.set(pixels.subarray(src, src + cols), (i * toRows + top + r) * toCols + left);
    }
  }
  return out;
}
