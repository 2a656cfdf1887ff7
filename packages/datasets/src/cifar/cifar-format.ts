/**
 * The "binary version" of CIFAR-10 and CIFAR-100 (Krizhevsky 2009, University of Toronto):
 * files of fixed-size records, each label byte(s) followed by a 32×32 colour image as three
 * 1024-byte planes (red, green, blue), each plane row-major. No header.
 */

export const CIFAR_IMAGE_SIZE = 32;
export const CIFAR_CHANNELS = 3;
/** 3 planes × 32 × 32. */
export const CIFAR_PIXEL_BYTES = CIFAR_CHANNELS * CIFAR_IMAGE_SIZE * CIFAR_IMAGE_SIZE;

/** One label byte of a record. */
export interface CifarLabelField {
  /** What the byte means, for messages: `label`, `coarse label`, `fine label`. */
  readonly name: string;
  readonly numClasses: number;
}

/** What differs between the CIFAR-10 and CIFAR-100 binary formats. */
export interface CifarFormat {
  /** `CIFAR-10` or `CIFAR-100`, for messages. */
  readonly title: string;
  /** The label bytes in record order. */
  readonly labelFields: readonly CifarLabelField[];
}

export const CIFAR10_FORMAT: CifarFormat = { title: 'CIFAR-10', labelFields: [{ name: 'label', numClasses: 10 }] };

/** CIFAR-100 records start with the coarse (20 superclasses) then the fine (100 classes) label. */
export const CIFAR100_FORMAT: CifarFormat = {
  title: 'CIFAR-100',
  labelFields: [
    { name: 'coarse label', numClasses: 20 },
    { name: 'fine label', numClasses: 100 },
  ],
};

/** Bytes per record: the label bytes plus 3072 pixel bytes (3073 for CIFAR-10, 3074 for CIFAR-100). */
export function recordBytes(format: CifarFormat): number {
  return format.labelFields.length + CIFAR_PIXEL_BYTES;
}
