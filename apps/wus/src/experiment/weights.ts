import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, type Model } from '@wus/core';

/** One stored tensor: a trainable parameter (with its group) or BatchNorm state. */
interface WeightEntry {
  readonly name: string;
  readonly kind: 'parameter' | 'state';
  readonly group?: string;
  readonly shape: number[];
  readonly offset: number;
  readonly length: number;
}

export const WEIGHTS_FORMAT = 'wus-weights/2';

/** Parameters, then state variables (BatchNorm moving statistics), in model order. */
function tensorsOf(model: Model) {
  return [
    ...model.parameters.map((p) => ({ name: p.name, kind: 'parameter' as const, group: p.group, variable: p.variable })),
    ...(model.state ?? []).map((v) => ({ name: v.name, kind: 'state' as const, group: undefined, variable: v })),
  ];
}

/**
 * The trained model as a tfjs-style pair: a JSON manifest (name, kind, group, shape, offset) and
 * one little-endian float32 blob, loadable without our code. BatchNorm's moving statistics are
 * included: without them a network with BatchNorm cannot run inference.
 */
export function serializeWeights(model: Model): { manifest: string; data: Uint8Array } {
  const entries: WeightEntry[] = [];
  const chunks: Float32Array[] = [];
  let offset = 0;
  for (const t of tensorsOf(model)) {
    const values = t.variable.dataSync() as Float32Array;
    entries.push({ name: t.name, kind: t.kind, ...(t.group === undefined ? {} : { group: t.group }), shape: [...t.variable.shape], offset, length: values.length });
    chunks.push(values);
    offset += values.length;
  }
  const all = new Float32Array(offset);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  const manifest = JSON.stringify({ format: WEIGHTS_FORMAT, dtype: 'float32', model: model.name, weights: entries }, null, 2);
  return { manifest, data: new Uint8Array(all.buffer, all.byteOffset, all.byteLength) };
}

/**
 * Loads what `serializeWeights` wrote into a freshly built model of the same configuration.
 * Tensors are matched by position and checked by kind and shape (state variables carry a
 * uniquifying suffix in their names, so names are not compared).
 */
export function loadWeights(model: Model, manifestText: string, data: Uint8Array, source: string): void {
  const manifest = JSON.parse(manifestText) as { format?: string; weights?: WeightEntry[] };
  if (manifest.format !== WEIGHTS_FORMAT || !Array.isArray(manifest.weights)) {
    throw new ConfigError(
      `${source}: not ${WEIGHTS_FORMAT} weights (format ${JSON.stringify(manifest.format)}); runs saved before BatchNorm statistics were stored cannot be evaluated`,
    );
  }
  const targets = tensorsOf(model);
  if (targets.length !== manifest.weights.length) {
    throw new ConfigError(`${source}: holds ${manifest.weights.length} tensors, the model built from the run's config has ${targets.length}`);
  }
  const floats = new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  targets.forEach((t, i) => {
    const e = manifest.weights![i]!;
    if (e.kind !== t.kind || e.shape.join('x') !== t.variable.shape.join('x')) {
      throw new ConfigError(`${source}: tensor ${i} is ${e.kind} ${e.name} [${e.shape.join(', ')}], the model expects ${t.kind} ${t.name} [${t.variable.shape.join(', ')}]`);
    }
    tf.tidy(() => t.variable.assign(tf.tensor(floats.subarray(e.offset, e.offset + e.length), e.shape, 'float32')));
  });
}
