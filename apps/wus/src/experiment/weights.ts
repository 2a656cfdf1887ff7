import type { Model } from '@wus/core';

/**
 * Final weights as a tfjs-style pair: a JSON manifest (name, shape, group, byte offset) and one
 * little-endian float32 blob, loadable without our code.
 */
export function serializeWeights(model: Model): { manifest: string; data: Uint8Array } {
  const entries: { name: string; group: string; shape: number[]; offset: number; length: number }[] = [];
  const chunks: Float32Array[] = [];
  let offset = 0;
  for (const p of model.parameters) {
    const values = p.variable.dataSync() as Float32Array;
    entries.push({ name: p.name, group: p.group, shape: p.variable.shape, offset, length: values.length });
    chunks.push(values);
    offset += values.length;
  }
  const all = new Float32Array(offset);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  const manifest = JSON.stringify({ format: 'wus-weights/1', dtype: 'float32', model: model.name, weights: entries }, null, 2);
  return { manifest, data: new Uint8Array(all.buffer) };
}
