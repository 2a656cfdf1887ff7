import { DatasetError } from '@wus/core';
import { IDX_MAGIC_IMAGES, IDX_MAGIC_LABELS, formatShape } from './idx-format.js';
import { locateIdxFile } from './locate.js';
import { readIdxFile } from './read-idx.js';

/** Raw images and labels of one IDX file pair, as stored (unsigned bytes, no normalisation). */
export interface LabeledImages {
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  /** `count × rows × cols` pixels, row-major. */
  readonly pixels: Uint8Array;
  readonly labels: Uint8Array;
}

export interface LoadLabeledImagesOptions {
  readonly numClasses: number;
  /** Expected image size; MNIST-style data is 28×28. */
  readonly rows: number;
  readonly cols: number;
  /** Appended to "file not found" messages: how the user gets the data. */
  readonly howToFix: string;
}

/**
 * Loads `<prefix>-images-idx3-ubyte(.gz)` and `<prefix>-labels-idx1-ubyte(.gz)` from `dir`
 * (prefix `train` or `t10k`) and checks that they agree with each other and with `options`.
 */
export async function loadLabeledImages(
  dir: string,
  prefix: string,
  options: LoadLabeledImagesOptions,
): Promise<LabeledImages> {
  const [imagesFile, labelsFile] = await Promise.all([
    locateIdxFile(dir, `${prefix}-images-idx3-ubyte`, options.howToFix),
    locateIdxFile(dir, `${prefix}-labels-idx1-ubyte`, options.howToFix),
  ]);
  const [images, labels] = await Promise.all([
    readIdxFile(imagesFile, { dims: IDX_MAGIC_IMAGES & 0xff, what: 'images' }),
    readIdxFile(labelsFile, { dims: IDX_MAGIC_LABELS & 0xff, what: 'labels' }),
  ]);

  const [count, rows, cols] = images.shape as [number, number, number];
  if (rows !== options.rows || cols !== options.cols) {
    throw new DatasetError(
      `wrong dimensions: header declares ${formatShape(images.shape)} images, expected N×${options.rows}×${options.cols}`,
      imagesFile,
    );
  }
  const labelCount = labels.shape[0]!;
  if (labelCount !== count) {
    throw new DatasetError(`holds ${labelCount} labels but ${imagesFile} holds ${count} images`, labelsFile);
  }
  const bad = firstLabelOutOfRange(labels.data, options.numClasses);
  if (bad !== -1) {
    throw new DatasetError(
      `label ${labels.data[bad]} at index ${bad} is out of range: the dataset has ${options.numClasses} classes (0–${options.numClasses - 1})`,
      labelsFile,
    );
  }
  return { count, rows, cols, pixels: images.data, labels: labels.data };
}

function firstLabelOutOfRange(labels: Uint8Array, numClasses: number): number {
  for (let i = 0; i < labels.length; i++) if (labels[i]! >= numClasses) return i;
  return -1;
}
