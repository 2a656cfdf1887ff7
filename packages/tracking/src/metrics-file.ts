import type { FileHandle } from 'node:fs/promises';
import { open, readFile } from 'node:fs/promises';
import { ioError } from './fs-util.js';
import type { StoreIssue } from './store-types.js';
import { decodeMetricValue, encodeMetricValue, type NormalizedMetricPoint } from './validation.js';

/** One line of `metrics.jsonl`. `value` is a number, or "NaN" / "Infinity" / "-Infinity". */
export function encodeMetricLine(p: NormalizedMetricPoint): string {
  return `${JSON.stringify({ key: p.key, value: encodeMetricValue(p.value), step: p.step, timestamp: p.timestamp })}\n`;
}

/**
 * Appends lines to `metrics.jsonl` through one open descriptor. Each batch is a single write
 * of whole lines (O_APPEND); fsync runs at most every `syncIntervalMs` (a trailing timer
 * catches the last batch) and always on `sync()` / `close()`. A crash can therefore lose at
 * most the last interval and tear at most the last line.
 */
export class MetricsAppender {
  private fh: FileHandle | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private dirty = false;
  private lastSync = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerError: unknown;
  private closed = false;

  constructor(
    private readonly path: string,
    private readonly syncIntervalMs: number,
    private readonly runId: string,
  ) {}

  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    const p = this.chain.then(op);
    this.chain = p.catch(() => undefined);
    return p;
  }

  private async handle(): Promise<FileHandle> {
    if (this.fh !== undefined) return this.fh;
    try {
      const fh = await open(this.path, 'a+');
      // Never glue a new line onto a torn one (a run written by a process that crashed).
      const { size } = await fh.stat();
      if (size > 0) {
        const last = Buffer.alloc(1);
        await fh.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) await writeAll(fh, Buffer.from('\n'));
      }
      this.fh = fh;
      this.lastSync = Date.now();
      return fh;
    } catch (e) {
      throw ioError('open', this.path, e, this.runId);
    }
  }

  append(lines: string): Promise<void> {
    return this.enqueue(async () => {
      this.rethrowTimerError();
      if (this.closed) throw new Error(`metrics file ${this.path} is closed`);
      if (lines.length === 0) return;
      const fh = await this.handle();
      try {
        await writeAll(fh, Buffer.from(lines, 'utf8'));
      } catch (e) {
        throw ioError('append to', this.path, e, this.runId);
      }
      this.dirty = true;
      const since = Date.now() - this.lastSync;
      if (since >= this.syncIntervalMs) await this.syncNow();
      else this.schedule(this.syncIntervalMs - since);
    });
  }

  sync(): Promise<void> {
    return this.enqueue(async () => {
      this.rethrowTimerError();
      await this.syncNow();
    });
  }

  close(): Promise<void> {
    return this.enqueue(async () => {
      if (this.closed) return;
      this.closed = true;
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.timer = undefined;
      try {
        await this.syncNow();
      } finally {
        await this.fh?.close().catch(() => undefined);
        this.fh = undefined;
      }
      this.rethrowTimerError();
    });
  }

  private schedule(ms: number): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.enqueue(() => this.syncNow()).catch((e: unknown) => {
        this.timerError = e;
      });
    }, ms);
    this.timer.unref();
  }

  private rethrowTimerError(): void {
    if (this.timerError === undefined) return;
    const e = this.timerError;
    this.timerError = undefined;
    throw e;
  }

  private async syncNow(): Promise<void> {
    if (!this.dirty || this.fh === undefined) return;
    try {
      await this.fh.sync();
    } catch (e) {
      throw ioError('fsync', this.path, e, this.runId);
    }
    this.dirty = false;
    this.lastSync = Date.now();
  }
}

async function writeAll(fh: FileHandle, buf: Buffer): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await fh.write(buf, off, buf.length - off, null);
    off += bytesWritten;
  }
}

export interface StoredMetricPoint {
  readonly key: string;
  readonly value: number;
  readonly step: number;
  readonly timestamp: number;
}

export interface ReadMetricsResult {
  /** All valid points in file order (duplicates of a (key, step) included). */
  readonly points: StoredMetricPoint[];
  readonly issues: StoreIssue[];
}

/**
 * Reads `metrics.jsonl` tolerantly: a torn last line (a crash mid-write) and any corrupt line
 * are skipped and reported as issues, never thrown. A missing file reads as empty.
 */
export async function readMetricsFile(path: string): Promise<ReadMetricsResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { points: [], issues: [] };
    return { points: [], issues: [{ kind: 'unreadable-file', file: path, message: (e as Error).message }] };
  }
  const points: StoredMetricPoint[] = [];
  const issues: StoreIssue[] = [];
  const lines = text.split('\n');
  const endsWithNewline = text.endsWith('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const isLast = i === lines.length - 1 && !endsWithNewline;
    const point = parseMetricLine(line);
    if (point !== undefined) {
      points.push(point);
      return;
    }
    issues.push(
      isLast
        ? {
            kind: 'torn-line',
            file: path,
            line: i + 1,
            message: `last line of ${path} is incomplete (the writer probably crashed mid-write); ignored: ${preview(line)}`,
          }
        : {
            kind: 'corrupt-line',
            file: path,
            line: i + 1,
            message: `line ${i + 1} of ${path} is not a valid metric point; ignored: ${preview(line)}`,
          },
    );
  });
  return { points, issues };
}

function preview(line: string): string {
  return JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line);
}

function parseMetricLine(line: string): StoredMetricPoint | undefined {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof o !== 'object' || o === null) return undefined;
  const { key, value, step, timestamp } = o as Record<string, unknown>;
  const v = decodeMetricValue(value);
  if (typeof key !== 'string' || key === '' || v === undefined) return undefined;
  if (typeof step !== 'number' || !Number.isSafeInteger(step)) return undefined;
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) return undefined;
  return { key, value: v, step, timestamp };
}

/**
 * Groups points by key, one point per (key, step) — the last one logged wins — sorted by step.
 */
export function groupMetrics(points: readonly StoredMetricPoint[]): Record<string, StoredMetricPoint[]> {
  const byKey = new Map<string, Map<number, StoredMetricPoint>>();
  for (const p of points) {
    let steps = byKey.get(p.key);
    if (steps === undefined) byKey.set(p.key, (steps = new Map()));
    steps.delete(p.step);
    steps.set(p.step, p);
  }
  const out: Record<string, StoredMetricPoint[]> = {};
  for (const key of [...byKey.keys()].sort()) {
    out[key] = [...(byKey.get(key)?.values() ?? [])].sort((a, b) => a.step - b.step);
  }
  return out;
}
