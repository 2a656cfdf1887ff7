import { describe, expect, it } from 'vitest';
import { padImages } from './pad-images.js';

describe('padImages', () => {
  it('centres each image on a zero canvas (extra row/column goes to the bottom/right)', () => {
    const pixels = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]); // two 2×2 images
    expect(Array.from(padImages(pixels, 2, 2, 2, 4, 5))).toEqual([
      0, 0, 0, 0, 0, /**/ 0, 1, 2, 0, 0, /**/ 0, 3, 4, 0, 0, /**/ 0, 0, 0, 0, 0,
      0, 0, 0, 0, 0, /**/ 0, 5, 6, 0, 0, /**/ 0, 7, 8, 0, 0, /**/ 0, 0, 0, 0, 0,
    ]);
  });

  it('returns the same array when no padding is needed and refuses to shrink', () => {
    const pixels = new Uint8Array(784);
    expect(padImages(pixels, 1, 28, 28, 28, 28)).toBe(pixels);
    expect(() => padImages(pixels, 1, 28, 28, 20, 28)).toThrow(RangeError);
  });
});
