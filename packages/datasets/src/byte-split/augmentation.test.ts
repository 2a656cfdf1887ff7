import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, createRng } from '@wus/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { drawTransform, normalizationTables, writeSample, type SampleTransform } from './augmentation.js';
import { ByteImageSplit, type ByteImages } from './byte-image-split.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const H = 6;
const W = 5;
const C = 3;
const image = Uint8Array.from({ length: H * W * C }, (_, i) => (i * 37 + 11) % 256);
const stats = { mean: [0.1, 0.5, 0.9], std: [0.5, 0.25, 2] };
const tables = normalizationTables(stats.mean, stats.std);
const norm = (v: number, c: number) => Math.fround((v / 255 - stats.mean[c]!) / stats.std[c]!);

/** torchvision's semantics spelt out: zero-pad by P, crop at (P + dy, P + dx), then mirror. */
function reference(t: SampleTransform, p: number): number[] {
  const ph = H + 2 * p;
  const pw = W + 2 * p;
  const padded = new Uint8Array(ph * pw * C);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < C; c++) padded[((y + p) * pw + x + p) * C + c] = image[(y * W + x) * C + c]!;
  const out: number[] = [];
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const cx = t.flip ? W - 1 - x : x;
      for (let c = 0; c < C; c++) out.push(norm(padded[((y + p + t.dy) * pw + cx + p + t.dx) * C + c]!, c));
    }
  }
  return out;
}

describe('writeSample', () => {
  it('normalises each channel with its own table when not augmenting', () => {
    const out = new Float32Array(H * W * C + 2);
    writeSample(out, 2, image, 0, [H, W, C], tables);
    expect(Array.from(out.subarray(2))).toEqual(Array.from(image, (v, i) => norm(v, i % C)));
  });

  it('crops a zero-padded image and mirrors it exactly as pad → crop → flip does', () => {
    const p = 2;
    for (let dy = -p; dy <= p; dy++) {
      for (let dx = -p; dx <= p; dx++) {
        for (const flip of [false, true]) {
          const out = new Float32Array(H * W * C);
          writeSample(out, 0, image, 0, [H, W, C], tables, { dy, dx, flip });
          expect(Array.from(out), `dy=${dy} dx=${dx} flip=${flip}`).toEqual(reference({ dy, dx, flip }, p));
        }
      }
    }
  });
});

describe('drawTransform', () => {
  it('draws offsets uniformly in [−p, p] and flips about half the time (never when flip is off)', () => {
    const rng = createRng(1);
    const seen = new Set<number>();
    let flips = 0;
    for (let i = 0; i < 2000; i++) {
      const t = drawTransform({ cropPadding: 4, flip: true }, rng);
      seen.add(t.dy).add(t.dx);
      if (t.flip) flips++;
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([-4, -3, -2, -1, 0, 1, 2, 3, 4]);
    expect(flips).toBeGreaterThan(900);
    expect(flips).toBeLessThan(1100);
    const none = drawTransform({ cropPadding: 0, flip: false }, rng);
    expect(none).toEqual({ dy: 0, dx: 0, flip: false });
  });
});

describe('ByteImageSplit', () => {
  /** n samples of [4, 4, 3]: every byte of sample i is i; labels i % 5. */
  function numbered(n: number): ByteImages {
    const pixels = new Uint8Array(n * 48);
    for (let i = 0; i < n; i++) pixels.fill(i, i * 48, (i + 1) * 48);
    return { pixels, labels: Uint8Array.from({ length: n }, (_, i) => i % 5), shape: [4, 4, 3] };
  }
  const unit = { mean: [0, 0, 0], std: [1 / 255, 1 / 255, 1 / 255] }; // normalised value = byte

  function pass(split: ByteImageSplit, batchSize: number, shuffleSeed?: number): { labels: number[]; x: number[][] } {
    const labels: number[] = [];
    const x: number[][] = [];
    for (const b of split.batches({ batchSize, shuffleSeed })) {
      expect(b.x.shape).toEqual([b.size, 4, 4, 3]);
      expect(b.x.dtype).toBe('float32');
      expect(b.y.dtype).toBe('int32');
      labels.push(...b.y.dataSync());
      const data = b.x.dataSync();
      for (let k = 0; k < b.size; k++) x.push(Array.from(data.subarray(k * 48, (k + 1) * 48)));
      tf.dispose([b.x, b.y]);
    }
    return { labels, x };
  }

  it('yields its indexed samples, normalised, labels with their images, each once per seeded pass', () => {
    const split = new ByteImageSplit(numbered(20), Uint32Array.from([3, 5, 7, 9, 11, 13]), unit);
    expect(split.count).toBe(6);
    expect(Array.from(split.labels())).toEqual([3, 0, 2, 4, 1, 3]);
    const stored = pass(split, 4);
    expect(stored.x.map((s) => s[0])).toEqual([3, 5, 7, 9, 11, 13]);
    expect(stored.x.every((s) => s.every((v) => v === s[0]))).toBe(true);
    const shuffled = pass(split, 4, 9);
    expect(shuffled.x.map((s) => s[0]).sort((a, b) => a! - b!)).toEqual([3, 5, 7, 9, 11, 13]);
    shuffled.x.forEach((s, k) => expect(shuffled.labels[k]).toBe(s[0]! % 5));
    expect([...split.batches({ batchSize: 4, dropRemainder: true })].map((b) => (tf.dispose([b.x, b.y]), b.size))).toEqual([4]);
  });

  it('augments reproducibly: same pass seed, same batches; another seed, other crops', () => {
    const images = numbered(30);
    const all = Uint32Array.from({ length: 30 }, (_, i) => i);
    const split = new ByteImageSplit(images, all, unit, { cropPadding: 2, flip: true });
    const a = pass(split, 8, 1);
    expect(pass(split, 8, 1)).toEqual(a);
    expect(pass(split, 8, 2).x).not.toEqual(a.x);
    // Crops show the black padding (value 0) in some samples, never in an unaugmented pass.
    expect(a.x.some((s, k) => s.includes(0) && a.labels[k] !== 0)).toBe(true);
    const plain = new ByteImageSplit(images, all, unit);
    expect(pass(plain, 8, 1).x.every((s) => new Set(s).size === 1)).toBe(true);
  });

  it('a pass started at a later batch (a resumed epoch) yields exactly the rest of the whole pass, augmentation included', () => {
    const images = numbered(30);
    const split = new ByteImageSplit(images, Uint32Array.from({ length: 30 }, (_, i) => i), unit, { cropPadding: 2, flip: true });
    const take = (firstBatch: number) =>
      [...split.batches({ batchSize: 8, shuffleSeed: 4, dropRemainder: true, firstBatch })].map((b) => {
        const out = { x: Array.from(b.x.dataSync()), y: Array.from(b.y.dataSync()), indices: Array.from(b.indices!) };
        tf.dispose([b.x, b.y]);
        return out;
      });
    const whole = take(0);
    expect(whole).toHaveLength(3);
    expect(take(1)).toEqual(whole.slice(1));
    expect(take(2)).toEqual(whole.slice(2));
    expect(take(3)).toEqual([]);
  });

  it('rejects a bad batch size and inconsistent statistics', () => {
    const split = new ByteImageSplit(numbered(3), Uint32Array.from([0, 1]), unit);
    expect(() => [...split.batches({ batchSize: 0 })]).toThrow(ConfigError);
    expect(() => new ByteImageSplit(numbered(3), Uint32Array.from([0]), { mean: [0], std: [1] })).toThrow(RangeError);
  });

  it('converts a CIFAR-sized batch quickly (one pass over 2000 augmented images)', () => {
    const n = 2000;
    const images: ByteImages = { pixels: Uint8Array.from({ length: n * 3072 }, (_, i) => i % 251), labels: new Uint8Array(n), shape: [32, 32, 3] };
    const split = new ByteImageSplit(images, Uint32Array.from({ length: n }, (_, i) => i), { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] }, { cropPadding: 4, flip: true });
    const t0 = performance.now();
    for (const b of split.batches({ batchSize: 128, shuffleSeed: 3 })) tf.dispose([b.x, b.y]);
    const ms = performance.now() - t0;
    console.info(`augmented + normalised ${n} CIFAR images in ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(5000);
  });
});
