import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '@wus/core';
import { toLayersModel } from '../convert/to-layers-model.js';
import { assertWritableTarget, writeDirectoryAtomic } from './model-dir.js';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
const CONVERTED_BY = '@wus/export-tfjs-layers';

export interface ExportOptions {
  /** Stored as the model's `userDefinedMetadata` (`model.getUserDefinedMetadata()` after loading). */
  readonly metadata?: Record<string, unknown>;
}

export interface ExportResult {
  readonly dir: string;
  /** Layers of the tfjs-layers model, its input layer included. */
  readonly layers: number;
  readonly weightBytes: number;
}

/**
 * Writes `model` as a TensorFlow.js Layers model into `dir`: `model.json` (`modelTopology`,
 * `weightsManifest`, …) and one shard `weights.bin`, the files `tf.loadLayersModel` reads —
 * plain `@tensorflow/tfjs`, no wus code. tfjs-layers itself serialises the model (`model.save`
 * through `tf.io.withSaveHandler`); we only put the files on disk, all at once. `dir` must be
 * absent or empty; it is checked, and the model converted, before anything is written.
 */
export async function exportTfjsLayers(model: Model, dir: string, options: ExportOptions = {}): Promise<ExportResult> {
  await assertWritableTarget(dir);
  const layersModel = toLayersModel(model);
  try {
    if (options.metadata !== undefined) layersModel.setUserDefinedMetadata(options.metadata);
    let files: Map<string, Uint8Array | string> | undefined;
    await layersModel.save(
      tf.io.withSaveHandler(async (artifacts) => {
        const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
        const json = {
          format: artifacts.format,
          generatedBy: artifacts.generatedBy,
          convertedBy: CONVERTED_BY,
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }],
          ...(artifacts.userDefinedMetadata === undefined ? {} : { userDefinedMetadata: artifacts.userDefinedMetadata }),
        };
        files = new Map<string, Uint8Array | string>([
          [MODEL_JSON, JSON.stringify(json)],
          [WEIGHTS_FILE, weights],
        ]);
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } };
      }),
    );
    await writeDirectoryAtomic(dir, files!);
    return { dir, layers: layersModel.layers.length, weightBytes: (files!.get(WEIGHTS_FILE) as Uint8Array).byteLength };
  } finally {
    layersModel.dispose();
  }
}
