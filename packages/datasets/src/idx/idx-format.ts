/**
 * The IDX format of MNIST-style datasets: a big-endian header — two zero bytes, a type byte, a
 * dimension count, then one uint32 per dimension — followed by the raw values, row-major.
 */

/** Type byte of unsigned 8-bit data, the only type MNIST-style files use. */
export const IDX_TYPE_UBYTE = 0x08;

/** `0x00000803`: unsigned-byte images, `[count, rows, cols]`. */
export const IDX_MAGIC_IMAGES = 0x00000803;
/** `0x00000801`: unsigned-byte labels, `[count]`. */
export const IDX_MAGIC_LABELS = 0x00000801;

/** What an IDX file holds; `data` views the file's own buffer, nothing is copied. */
export interface IdxArray {
  /** Dimensions as the header declares them, e.g. `[60000, 28, 28]`. */
  readonly shape: readonly number[];
  readonly data: Uint8Array;
}

/** `60000×28×28`, the way error messages print shapes. */
export function formatShape(shape: readonly number[]): string {
  return shape.join('×');
}

/** `0x00000803`. */
export function formatMagic(magic: number): string {
  return `0x${(magic >>> 0).toString(16).padStart(8, '0')}`;
}
