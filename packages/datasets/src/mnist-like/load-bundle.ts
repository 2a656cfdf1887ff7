import { resolve } from 'node:path';
import { type DatasetBundle, deriveSeed } from '@wus/core';
import { assertDataDir } from '../idx/locate.js';
import { type LabeledImages, loadLabeledImages } from '../idx/labeled-images.js';
import { MemorySplit } from '../memory-split/memory-split.js';
import { type PixelStatistics, pixelStatistics, standardize } from '../normalize/pixel-statistics.js';
import { padImages } from '../pad/pad-images.js';
import { holdOut } from '../split/hold-out.js';

/** What differs between MNIST-style datasets. */
export interface MnistLikeSpec {
  readonly name: string;
  readonly classNames: readonly string[];
  /** Appended to "not found" errors: how the user gets the files. */
  readonly howToFix: string;
}

export interface MnistLikeLoadOptions {
  readonly validationFraction: number;
  readonly seed: number;
  readonly limit?: number | undefined;
  /** Pad the images to `padTo × padTo` (centred, black) before anything else. */
  readonly padTo?: number | undefined;
}

/** Sample counts of the files as found, before the validation split and `limit`. */
export interface FileCounts {
  readonly train: number;
  readonly test: number;
}

/** A DatasetBundle that also reports the normalisation it applied, for logs and reproductions. */
export interface MnistLikeBundle extends DatasetBundle {
  readonly classNames: readonly string[];
  readonly validation: MemorySplit | undefined;
  readonly train: MemorySplit;
  readonly test: MemorySplit;
  /** Mean and std of pixel/255 over the training split; every split is standardised with these. */
  readonly normalization: PixelStatistics;
}

const IMAGE_SIZE = 28;

/** Purpose string of the hold-out seed, so the split does not share a stream with other seeded choices. */
export const VALIDATION_SEED_PURPOSE = 'dataset/validation-split';

/**
 * Loads the four IDX files from `dir` and builds train (after hold-out and `limit`), validation
 * and test splits, all standardised with the training split's statistics so that neither
 * validation nor test data leaks into training.
 */
export async function loadMnistLikeBundle(
  spec: MnistLikeSpec,
  dir: string,
  describeSource: (counts: FileCounts) => string,
  options: MnistLikeLoadOptions,
): Promise<MnistLikeBundle> {
  await assertDataDir(dir, spec.howToFix);
  const fileOptions = { numClasses: spec.classNames.length, rows: IMAGE_SIZE, cols: IMAGE_SIZE, howToFix: spec.howToFix };
  const [trainFiles, testFiles] = (
    await Promise.all([loadLabeledImages(dir, 'train', fileOptions), loadLabeledImages(dir, 't10k', fileOptions)])
  ).map((files) => (options.padTo === undefined ? files : padded(files, options.padTo))) as [LabeledImages, LabeledImages];

  const split = holdOut(trainFiles.labels, spec.classNames.length, {
    fraction: options.validationFraction,
    seed: deriveSeed(options.seed, VALIDATION_SEED_PURPOSE),
  });
  const trainIndices = options.limit === undefined ? split.train : split.train.subarray(0, options.limit);
  // With padTo, the statistics include the padding: the network sees padded images, and they
  // come out standardised (mean 0, std 1) over the training split.
  const normalization = pixelStatistics(trainFiles.pixels, trainIndices, trainFiles.rows * trainFiles.cols);

  return {
    name: spec.name,
    numClasses: spec.classNames.length,
    classNames: spec.classNames,
    train: toSplit(trainFiles, trainIndices, normalization),
    validation: split.validation.length > 0 ? toSplit(trainFiles, split.validation, normalization) : undefined,
    test: toSplit(testFiles, allIndices(testFiles.count), normalization),
    source: describeSource({ train: trainFiles.count, test: testFiles.count }),
    uri: resolve(dir),
    normalization,
  };
}

function toSplit(files: LabeledImages, indices: Uint32Array, stats: PixelStatistics): MemorySplit {
  const labels = new Int32Array(indices.length);
  for (let k = 0; k < indices.length; k++) labels[k] = files.labels[indices[k]!]!;
  const images = standardize(files.pixels, indices, files.rows * files.cols, stats);
  return new MemorySplit(images, labels, [files.rows, files.cols, 1]);
}

function padded(files: LabeledImages, size: number): LabeledImages {
  return { ...files, rows: size, cols: size, pixels: padImages(files.pixels, files.count, files.rows, files.cols, size, size) };
}

function allIndices(n: number): Uint32Array {
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  return idx;
}
