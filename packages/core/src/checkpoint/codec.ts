import { createHash } from 'node:crypto';
import { CheckpointError } from '../errors/errors.js';
import { CHECKPOINT_FORMAT, type SavedTensor, type TrainerCheckpoint } from './checkpoint.js';
import type { PluginState } from './stateful.js';

/**
 * One checkpoint, one file:
 *
 *   "WUSCKPT1" · u32 LE header length · header (UTF-8 JSON) · tensor bytes · SHA-256 of all before
 *
 * The header is the checkpoint without its tensors, plus a table of them (name, dtype, shape,
 * byte offset into the tensor bytes, element count). The trailing hash makes a truncated or
 * damaged file a clear error instead of weights that load and are wrong. JSON has no NaN or
 * infinity; they are written as `{"$number": "Infinity"}` and read back as numbers. Typed
 * arrays in the listeners' state become tensors of the file (`listener-data/<n>`), referenced
 * from the JSON as `{"$tensor": name}`.
 */
const MAGIC = Buffer.from('WUSCKPT1', 'latin1');
const HASH_BYTES = 32;

interface TensorEntry {
  readonly name: string;
  readonly dtype: 'float32' | 'int32';
  readonly shape: readonly number[];
  readonly offset: number;
  readonly length: number;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const TENSOR_REF = '$tensor';
const LISTENER_DATA = 'listener-data/';

/** Moves the typed arrays of a listener state into `tensors`, leaving references. */
function extractArrays(value: PluginState, tensors: Record<string, SavedTensor>): unknown {
  if (value instanceof Float32Array || value instanceof Int32Array) {
    const name = `${LISTENER_DATA}${Object.keys(tensors).filter((k) => k.startsWith(LISTENER_DATA)).length}`;
    tensors[name] = { shape: [value.length], values: value };
    return { [TENSOR_REF]: name };
  }
  if (Array.isArray(value)) return value.map((v: PluginState) => extractArrays(v, tensors));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, extractArrays(v as PluginState, tensors)]));
  }
  return value;
}

/** Puts the arrays `extractArrays` moved out back in place. */
function insertArrays(value: unknown, tensors: Readonly<Record<string, SavedTensor>>, corrupt: (why: string) => Error): PluginState {
  if (Array.isArray(value)) return value.map((v) => insertArrays(v, tensors, corrupt));
  if (value !== null && typeof value === 'object') {
    const ref = (value as Record<string, unknown>)[TENSOR_REF];
    if (typeof ref === 'string' && Object.keys(value).length === 1) {
      const t = tensors[ref];
      if (t === undefined) throw corrupt(`missing tensor ${ref}`);
      return t.values;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, insertArrays(v, tensors, corrupt)]));
  }
  return value as PluginState;
}

function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? { $number: String(value) } : value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const n = (value as { $number?: unknown }).$number;
    if (keys.length === 1 && typeof n === 'string') return Number(n);
  }
  return value;
}

export function encodeCheckpoint(checkpoint: TrainerCheckpoint): Uint8Array {
  if (!littleEndian) throw new CheckpointError('write', 'checkpoints are little-endian; this machine is big-endian');
  const all: Record<string, SavedTensor> = { ...checkpoint.tensors };
  const listeners = extractArrays(checkpoint.listeners, all);
  const entries: TensorEntry[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(all)) {
    const bytes = new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength);
    entries.push({ name, dtype: t.values instanceof Int32Array ? 'int32' : 'float32', shape: [...t.shape], offset, length: t.values.length });
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  const { tensors: _tensors, ...rest } = checkpoint;
  const header = Buffer.from(JSON.stringify({ ...rest, listeners, tensors: entries }, replacer), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.byteLength);
  const body = Buffer.concat([MAGIC, length, header, ...chunks]);
  const hash = createHash('sha256').update(body).digest();
  return Buffer.concat([body, hash]);
}

/** Reads a checkpoint back; `source` (its file) names it in every error. */
export function decodeCheckpoint(bytes: Uint8Array, source: string): TrainerCheckpoint {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const corrupt = (why: string) => new CheckpointError('corrupt', `checkpoint ${source} is ${why}`);
  if (buf.byteLength < MAGIC.byteLength + 4 + HASH_BYTES || !buf.subarray(0, MAGIC.byteLength).equals(MAGIC)) {
    throw corrupt('not a wus checkpoint (or is truncated to its first bytes)');
  }
  const body = buf.subarray(0, buf.byteLength - HASH_BYTES);
  if (!createHash('sha256').update(body).digest().equals(buf.subarray(buf.byteLength - HASH_BYTES))) {
    throw corrupt(`damaged or truncated (${buf.byteLength} bytes; its checksum does not match)`);
  }
  const headerLength = buf.readUInt32LE(MAGIC.byteLength);
  const start = MAGIC.byteLength + 4;
  let header: Omit<TrainerCheckpoint, 'tensors'> & { tensors: TensorEntry[] };
  try {
    header = JSON.parse(body.subarray(start, start + headerLength).toString('utf8'), reviver) as typeof header;
  } catch (e) {
    throw corrupt(`unreadable (${(e as Error).message})`);
  }
  if (header.format !== CHECKPOINT_FORMAT) throw corrupt(`of format ${JSON.stringify(header.format)}; this wus reads ${CHECKPOINT_FORMAT}`);
  const data = start + headerLength;
  const all: Record<string, SavedTensor> = {};
  for (const e of header.tensors) {
    const from = data + e.offset;
    const bytesOf = e.length * 4;
    if (from + bytesOf > body.byteLength) throw corrupt(`missing the bytes of tensor ${e.name}`);
    // A copy: typed arrays need 4-byte alignment, and the file buffer is not kept.
    const copy = new Uint8Array(body.subarray(from, from + bytesOf));
    all[e.name] = { shape: e.shape, values: e.dtype === 'int32' ? new Int32Array(copy.buffer) : new Float32Array(copy.buffer) };
  }
  const listeners = insertArrays(header.listeners, all, corrupt) as TrainerCheckpoint['listeners'];
  const tensors = Object.fromEntries(Object.entries(all).filter(([k]) => !k.startsWith(LISTENER_DATA)));
  return { ...header, listeners, tensors };
}
