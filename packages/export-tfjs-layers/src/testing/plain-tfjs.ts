import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The loader script: two levels below the package root from both src/testing and dist/testing. */
const SCRIPT = fileURLToPath(new URL('../../plain-tfjs/predict.mjs', import.meta.url));

export interface PlainTfjsPrediction {
  /** Row-major `[n, classes]`. */
  readonly logits: Float32Array;
  readonly shape: readonly [number, number];
  /** The model's `userDefinedMetadata` as tfjs read it. */
  readonly metadata: unknown;
}

/**
 * Predicts `inputs` (`shape`, NHWC) with the exported model in `modelDir` the way a consumer
 * would: a separate Node process that imports only `@tensorflow/tfjs`, serves the directory over
 * HTTP and calls `tf.loadLayersModel('http://127.0.0.1:…/model.json')` on the stock cpu backend.
 */
export async function predictWithPlainTfjs(modelDir: string, inputs: Float32Array, shape: readonly number[]): Promise<PlainTfjsPrediction> {
  const work = await mkdtemp(join(tmpdir(), 'plain-tfjs-'));
  try {
    const inFile = join(work, 'inputs.f32');
    const outFile = join(work, 'logits.f32');
    await writeFile(inFile, new Uint8Array(inputs.buffer, inputs.byteOffset, inputs.byteLength));
    const { stdout } = await promisify(execFile)(process.execPath, [SCRIPT, modelDir, inFile, JSON.stringify(shape), outFile], { maxBuffer: 1 << 20 });
    const { shape: outShape, metadata } = JSON.parse(stdout) as { shape: [number, number]; metadata: unknown };
    const bytes = await readFile(outFile);
    return { logits: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4), shape: outShape, metadata };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export interface Agreement {
  readonly images: number;
  /** Images whose arg-max class is the same in both. */
  readonly sameClass: number;
  /** Distinct classes our model predicts: a check on constant predictions. */
  readonly distinctClasses: number;
  readonly maxAbsLogitDiff: number;
  /** Scale of our logits, which `maxAbsLogitDiff` is small against. */
  readonly maxAbsLogit: number;
}

/** How far two `[n, classes]` logit matrices agree. */
export function agreement(ours: Float32Array, theirs: Float32Array, classes: number): Agreement {
  if (ours.length !== theirs.length) throw new Error(`logit counts differ: ${ours.length} vs ${theirs.length}`);
  const argmax = (a: Float32Array, row: number) => {
    let best = 0;
    for (let k = 1; k < classes; k++) if (a[row * classes + k]! > a[row * classes + best]!) best = k;
    return best;
  };
  const images = ours.length / classes;
  let sameClass = 0;
  let maxAbsLogitDiff = 0;
  let maxAbsLogit = 0;
  const predicted = new Set<number>();
  for (let i = 0; i < images; i++) {
    const c = argmax(ours, i);
    predicted.add(c);
    if (c === argmax(theirs, i)) sameClass++;
  }
  for (let j = 0; j < ours.length; j++) {
    maxAbsLogitDiff = Math.max(maxAbsLogitDiff, Math.abs(ours[j]! - theirs[j]!));
    maxAbsLogit = Math.max(maxAbsLogit, Math.abs(ours[j]!));
  }
  return { images, sameClass, distinctClasses: predicted.size, maxAbsLogitDiff, maxAbsLogit };
}
