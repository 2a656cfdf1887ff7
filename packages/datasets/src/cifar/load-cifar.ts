import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, type DatasetBundle, deriveSeed } from '@wus/core';
import { type Augmentation } from '../byte-split/augmentation.js';
import { ByteImageSplit, type ByteImages } from '../byte-split/byte-image-split.js';
import { assertDataDir } from '../idx/locate.js';
import { VALIDATION_SEED_PURPOSE } from '../mnist-like/load-bundle.js';
import { type ChannelStatistics, channelStatistics } from '../normalize/channel-statistics.js';
import { holdOut } from '../split/hold-out.js';
import { CIFAR_CHANNELS, CIFAR_IMAGE_SIZE, type CifarFormat } from './cifar-format.js';
import { type CifarImages, readCifarFiles } from './read-cifar.js';

/** What differs between CIFAR-10 and CIFAR-100. */
export interface CifarSpec {
  readonly name: string;
  readonly format: CifarFormat;
  readonly trainFiles: readonly string[];
  readonly testFile: string;
  /** Folder the official archive extracts to; accepted below `dataDir`. */
  readonly archiveFolder: string;
  /** Appended to "not found" errors: how the user gets the files. */
  readonly howToFix: string;
}

export interface CifarLoadOptions {
  readonly dataDir?: string | undefined;
  readonly validationFraction: number;
  readonly seed: number;
  readonly limit?: number | undefined;
  readonly augment: boolean;
  readonly cropPadding: number;
  readonly flip: boolean;
  /** Index of the label field to train on (CIFAR-100: 0 coarse, 1 fine). */
  readonly labelField: number;
  readonly classNames: readonly string[];
}

/** A DatasetBundle that also reports the normalisation and augmentation it applies. */
export interface CifarBundle extends DatasetBundle {
  readonly classNames: readonly string[];
  readonly train: ByteImageSplit;
  readonly validation: ByteImageSplit | undefined;
  readonly test: ByteImageSplit;
  /** Per-channel (R, G, B) mean and std of pixel/255 over the training split. */
  readonly normalization: ChannelStatistics;
  /** Applied to training batches only; undefined when `augment` is false. */
  readonly augmentation: Augmentation | undefined;
}

/**
 * The directory holding the files: `dataDir` itself, or the folder the official archive
 * extracts to inside it (`cifar-10-batches-bin`, `cifar-100-binary`).
 */
export function resolveCifarDir(spec: CifarSpec, dataDir: string): string {
  const dir = resolve(dataDir);
  const nested = join(dir, spec.archiveFolder);
  if (!existsSync(join(dir, spec.testFile)) && existsSync(join(nested, spec.testFile))) return nested;
  return dir;
}

/** A hint when the folder holds the Python or MATLAB version instead of the binary one. */
function wrongVersionHint(dir: string): string {
  for (const [file, version] of [['data_batch_1', 'Python'], ['data_batch_1.mat', 'MATLAB'], ['train', 'Python'], ['train.mat', 'MATLAB']] as const) {
    if (existsSync(join(dir, file))) return ` ${dir} seems to hold the ${version} version; download the "binary version" instead.`;
  }
  return '';
}

/**
 * Loads a CIFAR binary data set: train files (hold-out, then `limit`) and the test file, kept as
 * bytes (HWC) and normalised per channel with the training split's statistics batch by batch;
 * training batches are augmented.
 */
export async function loadCifar(spec: CifarSpec, options: CifarLoadOptions): Promise<CifarBundle> {
  if (options.dataDir === undefined) {
    throw new ConfigError(`dataset ${spec.name} needs a data directory and has no default. ${spec.howToFix}`);
  }
  const dir = resolveCifarDir(spec, options.dataDir);
  await assertDataDir(dir, spec.howToFix);
  const howToFix = `${spec.howToFix}${wrongVersionHint(dir)}`;
  // The small test file first: a missing or broken one fails before 150 MB of training data is read.
  const test = await readCifarFiles([join(dir, spec.testFile)], spec.format, howToFix);
  const train = await readCifarFiles(spec.trainFiles.map((f) => join(dir, f)), spec.format, howToFix);
  const numClasses = spec.format.labelFields[options.labelField]!.numClasses;
  const trainImages = asByteImages(train, options.labelField);
  const testImages = asByteImages(test, options.labelField);

  const split = holdOut(trainImages.labels, numClasses, {
    fraction: options.validationFraction,
    seed: deriveSeed(options.seed, VALIDATION_SEED_PURPOSE),
  });
  const trainIndices = options.limit === undefined ? split.train : split.train.subarray(0, options.limit);
  const normalization = channelStatistics(trainImages.pixels, trainIndices, CIFAR_IMAGE_SIZE * CIFAR_IMAGE_SIZE, CIFAR_CHANNELS);
  const augmentation: Augmentation | undefined = options.augment ? { cropPadding: options.cropPadding, flip: options.flip } : undefined;

  return {
    name: spec.name,
    numClasses,
    classNames: options.classNames,
    train: new ByteImageSplit(trainImages, trainIndices, normalization, augmentation),
    validation: split.validation.length > 0 ? new ByteImageSplit(trainImages, split.validation, normalization) : undefined,
    test: new ByteImageSplit(testImages, allIndices(test.count), normalization),
    source: `${dir} (data dir option; ${train.count} train / ${test.count} test records)`,
    uri: dir,
    normalization,
    augmentation,
  };
}

function asByteImages(images: CifarImages, labelField: number): ByteImages {
  return { pixels: images.pixels, labels: images.labels[labelField]!, shape: [CIFAR_IMAGE_SIZE, CIFAR_IMAGE_SIZE, CIFAR_CHANNELS] };
}

function allIndices(n: number): Uint32Array {
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  return idx;
}
