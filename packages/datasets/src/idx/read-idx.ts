import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { DatasetError } from '@wus/core';
import { IDX_TYPE_UBYTE, type IdxArray, formatMagic, formatShape } from './idx-format.js';

const gunzipAsync = promisify(gunzip);

/** What the caller expects: used to check the magic number and to word messages. */
export interface IdxExpectation {
  /** Number of dimensions, e.g. 3 for images and 1 for labels. */
  readonly dims: number;
  /** Plural noun for messages: "images", "labels". */
  readonly what: string;
}

/** True when `bytes` starts with the gzip magic `1f 8b` (files are recognised by content, not name). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Reads an IDX file, raw or gzip, and validates its header against `expected`. */
export async function readIdxFile(file: string, expected: IdxExpectation): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new DatasetError(`cannot read file: ${(err as Error).message}`, file, { cause: err });
  }
  if (isGzip(bytes)) {
    try {
      bytes = await gunzipAsync(bytes);
    } catch (err) {
      throw new DatasetError(`gzip data is corrupt (${(err as Error).message}); re-download or reinstall the file`, file, {
        cause: err,
      });
    }
  }
  return parseIdx(bytes, file, expected);
}

/** Validates the header of an in-memory IDX buffer and returns a view of its values. */
export function parseIdx(bytes: Uint8Array, file: string, expected: IdxExpectation): IdxArray {
  if (bytes.length < 4) {
    throw new DatasetError(`not an IDX file: ${bytes.length} bytes is too short for the 4-byte magic number`, file);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const expectedMagic = (IDX_TYPE_UBYTE << 8) | expected.dims;
  if (magic !== expectedMagic) {
    throw new DatasetError(`bad magic number ${formatMagic(magic)}: ${describeMagicProblem(bytes, expected)}`, file);
  }

  const headerBytes = 4 + 4 * expected.dims;
  if (bytes.length < headerBytes) {
    throw new DatasetError(
      `truncated header: ${expected.dims} dimensions need ${headerBytes} header bytes, file holds ${bytes.length}`,
      file,
    );
  }
  const shape: number[] = [];
  for (let d = 0; d < expected.dims; d++) shape.push(view.getUint32(4 + 4 * d));

  // Doubles are exact up to 2^53, far beyond any real file, so a corrupt header cannot overflow this.
  const declared = shape.reduce((a, b) => a * b, 1);
  const held = bytes.length - headerBytes;
  if (held !== declared) {
    const kind = held < declared ? 'truncated' : 'trailing bytes';
    const noun = expected.dims === 1 ? 'label bytes' : 'pixel bytes';
    throw new DatasetError(
      `${kind}: header declares ${formatShape(shape)} = ${declared} ${noun}, file holds ${held}`,
      file,
    );
  }
  // A plain Uint8Array view, not a Buffer: callers get one array type whatever the source.
  return { shape, data: new Uint8Array(bytes.buffer, bytes.byteOffset + headerBytes, held) };
}

function describeMagicProblem(bytes: Uint8Array, expected: IdxExpectation): string {
  const want = `expected ${formatMagic((IDX_TYPE_UBYTE << 8) | expected.dims)} (unsigned-byte IDX ${expected.what}, ${expected.dims} dimension${expected.dims === 1 ? '' : 's'})`;
  if (bytes[0] !== 0 || bytes[1] !== 0) return `not an IDX file; ${want}`;
  if (bytes[2] !== IDX_TYPE_UBYTE) {
    return `unsupported data type 0x${bytes[2]!.toString(16).padStart(2, '0')}, only unsigned byte (0x08) is supported; ${want}`;
  }
  return `header declares ${bytes[3]} dimensions; ${want}`;
}
