import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { WUS_KERNELS_BASE64 } from './generated/wus-kernels-wasm.js';

/*
 * The few WebAssembly JS-API types we use. Our TypeScript libs (ES2022 + @types/node 20) do not
 * declare the WebAssembly namespace, and a global declaration would clash with DOM typings.
 */
interface WasmGlobal {
  value: number;
}
interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
type WasmModule = object;
interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
interface WasmApi {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(module: WasmModule, imports: object): Promise<WasmInstance>;
  Instance: new (module: WasmModule, imports: object) => WasmInstance;
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  validate(bytes: Uint8Array): boolean;
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Entry points of tools/wasm-kernels/src/kernels.c: `(params, threadIndex, threadCount)`. */
export type KernelEntry = 'wus_conv2d' | 'wus_conv2d_backprop_input' | 'wus_conv2d_backprop_filter' | 'wus_reduce' | 'wus_max_pool_grad' | 'wus_matmul';
export type ScratchEntry = 'wus_conv2d_scratch' | 'wus_conv2d_backprop_input_scratch' | 'wus_conv2d_backprop_filter_scratch' | 'wus_matmul_scratch';
/** Memory-bound, single-threaded entry points taking plain offsets and sizes. */
export type MemoryEntry = 'wus_relu_grad' | 'wus_sum_rows' | 'wus_add_bias' | 'wus_bn_forward' | 'wus_bn_backward' | 'wus_sgd_update' | 'wus_adam_update';
export type MemoryExports = Record<MemoryEntry, (...args: number[]) => void>;
/** What the heap build (tfjs's memory, one thread) exports: everything, same signatures. */
export type HeapExports = MemoryExports &
  Record<KernelEntry, (params: number, tid: number, nthreads: number) => void> &
  Record<ScratchEntry, (params: number) => number>;
const ENTRIES: readonly KernelEntry[] = ['wus_conv2d', 'wus_conv2d_backprop_input', 'wus_conv2d_backprop_filter', 'wus_reduce', 'wus_max_pool_grad', 'wus_matmul'];

type Exports = Record<KernelEntry, (params: number, tid: number, nthreads: number) => void> &
  Record<ScratchEntry, (params: number) => number> &
  MemoryExports & {
    readonly __stack_pointer: WasmGlobal;
    readonly __heap_base: WasmGlobal;
  };

const PAGE = 65_536;
const STACK = 65_536;
/**
 * Control block words shared with the workers. JOIN is how a worker takes part in a call:
 * `(generation & 0x7fffff) << 8 | mask of workers that joined`, or -1 once the main thread has
 * closed the call. A worker that wakes too late (the main thread already did every chunk) does
 * not join, and nobody waits for it.
 */
const GEN = 0;
const FN = 1;
const PARAMS = 2;
const NTHREADS = 3;
const DONE = 4;
const FAILED = 5;
const READY = 6;
const JOIN = 7;
const CTL_BYTES = 64;
const GEN_MASK = 0x7fffff;

/*
 * The worker: instantiates the same module on the same shared memory with its own stack, then
 * sleeps on the generation word; for each new generation it tries to join the call and, if it
 * got in, runs the entry point as thread `tid` (claiming chunks of work until none are left).
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, tid, stackTop, ctlOffset, entries } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory } });
instance.exports.__stack_pointer.value = stackTop;
const ctl = new Int32Array(memory.buffer, ctlOffset, 16);
Atomics.add(ctl, ${READY}, 1);
Atomics.notify(ctl, ${READY});
let seen = 0;
for (;;) {
  Atomics.wait(ctl, ${GEN}, seen);
  seen = Atomics.load(ctl, ${GEN});
  const fn = Atomics.load(ctl, ${FN});
  if (fn < 0) break;
  const nthreads = Atomics.load(ctl, ${NTHREADS});
  if (tid >= nthreads) continue;
  let joined = false;
  for (;;) {
    const v = Atomics.load(ctl, ${JOIN});
    if (v < 0 || (v >> 8) !== (seen & ${GEN_MASK})) break;
    if (Atomics.compareExchange(ctl, ${JOIN}, v, v | (1 << tid)) === v) { joined = true; break; }
  }
  if (!joined) continue;
  try { instance.exports[entries[fn]](Atomics.load(ctl, ${PARAMS}), tid, nthreads); }
  catch (e) { Atomics.store(ctl, ${FAILED}, 1); }
  Atomics.add(ctl, ${DONE}, 1);
  Atomics.notify(ctl, ${DONE});
}
`;

/**
 * Which build of the kernels runs: `relaxed-simd` (the GEMM's multiply-adds are one FMA
 * instruction on CPUs with FMA3: ~1.25× on the convolutions, measured in tools/bench) or
 * `simd128`. Relaxed SIMD is standard WebAssembly, on by default from Node 22 (V8 11.4); Node 20's
 * V8 has it behind `--experimental-wasm-relaxed-simd`, which we switch on before compiling (it
 * only admits the relaxed instructions to validation). `WUS_WASM_RELAXED_SIMD=0` keeps the plain
 * build. Rounding differs between the two (fused vs separate), so results match only within the
 * kernels' tolerance across machines; on one machine every call is deterministic.
 */
export type SimdLevel = 'relaxed-simd' | 'simd128';

function pickSimdLevel(): { level: SimdLevel; bytes: typeof WUS_KERNELS_BASE64.simd128 } {
  const relaxed = WUS_KERNELS_BASE64.relaxed;
  if (process.env['WUS_WASM_RELAXED_SIMD'] !== '0') {
    const valid = () => WA.validate(Buffer.from(relaxed.heap, 'base64')) && WA.validate(Buffer.from(relaxed.threaded, 'base64'));
    if (!valid()) {
      try {
        setFlagsFromString('--experimental-wasm-relaxed-simd');
      } catch {
        // An engine that refuses the flag keeps the plain build (validated again below).
      }
    }
    if (valid()) return { level: 'relaxed-simd', bytes: relaxed };
  }
  return { level: 'simd128', bytes: WUS_KERNELS_BASE64.simd128 };
}

/** How many threads the kernels use: `WUS_KERNEL_THREADS`, else every available core (at most 8). */
export function defaultKernelThreads(): number {
  const env = Number.parseInt(process.env['WUS_KERNEL_THREADS'] ?? '', 10);
  if (Number.isInteger(env) && env >= 1) return Math.min(env, 64);
  return Math.max(1, Math.min(8, availableParallelism()));
}

/**
 * One instance of the wus kernels: a shared WebAssembly memory, the module instantiated on the
 * main thread and on `threads - 1` worker threads (Node's worker_threads; tfjs-backend-wasm's
 * own threads do not run under Node). Calls are synchronous: the main thread does share 0 of
 * the work and blocks (Atomics.wait) until the workers finish theirs.
 *
 * Memory: [0, 64 KiB) the main thread's stack, then static data up to __heap_base, the control
 * block, one 64 KiB stack per worker, then a bump arena that every kernel call resets.
 */
export class KernelRuntime {
  private readonly memory: WasmMemory;
  private readonly exports: Exports;
  private readonly ctl: Int32Array;
  private readonly workers: Worker[];
  private readonly arenaStart: number;
  private top: number;
  /** The single-threaded build that imports tfjs-backend-wasm's memory (see heap.ts). */
  readonly heapModule: WasmModule;
  /** The build in use. */
  readonly simd: SimdLevel;

  private constructor(module: WasmModule, memory: WasmMemory, instance: WasmInstance, workers: Worker[], ctlOffset: number, arenaStart: number, heapModule: WasmModule, simd: SimdLevel) {
    this.heapModule = heapModule;
    this.simd = simd;
    this.memory = memory;
    this.exports = instance.exports as unknown as Exports;
    this.workers = workers;
    this.ctl = new Int32Array(memory.buffer, ctlOffset, 16);
    this.arenaStart = arenaStart;
    this.top = arenaStart;
    void module;
  }

  /** Threads a call may use: the main thread plus the live workers. */
  get threads(): number {
    return this.workers.length + 1;
  }

  /** Compiles the module and starts `threads - 1` workers (falls back to one thread if they fail). */
  static async create(threads = defaultKernelThreads()): Promise<KernelRuntime> {
    const { level, bytes } = pickSimdLevel();
    const module = await WA.compile(Buffer.from(bytes.threaded, 'base64'));
    const memory = new WA.Memory({ initial: 64, maximum: 65_536, shared: true });
    const instance = await WA.instantiate(module, { env: { memory } });
    const heapBase = (instance.exports['__heap_base'] as WasmGlobal).value as number;
    const ctlOffset = align(heapBase, 64);
    const stacksStart = align(ctlOffset + CTL_BYTES, 16);
    const arenaStart = align(stacksStart + (threads - 1) * STACK, 64);
    ensureSize(memory, arenaStart + PAGE);
    const workers: Worker[] = [];
    const ctl = new Int32Array(memory.buffer, ctlOffset, 16);
    for (let t = 1; t < threads; t++) {
      try {
        const worker = new Worker(WORKER_SOURCE, {
          eval: true,
          workerData: { module, memory, tid: t, stackTop: stacksStart + t * STACK, ctlOffset, entries: ENTRIES },
        });
        worker.unref();
        // A worker that dies outside a kernel call (it catches errors inside one) leaves the
        // runtime single-threaded from then on; no call waits for it.
        worker.on('error', () => workers.splice(workers.indexOf(worker), 1));
        workers.push(worker);
      } catch {
        break;
      }
    }
    if (workers.length > 0 && !(await waitReady(ctl, workers.length, 10_000))) {
      for (const w of workers) void w.terminate();
      workers.length = 0;
    }
    const heapModule = await WA.compile(Buffer.from(bytes.heap, 'base64'));
    return new KernelRuntime(module, memory, instance, workers, ctlOffset, arenaStart, heapModule, level);
  }

  /** Starts a kernel call: frees everything the previous call allocated. */
  reset(): void {
    this.top = this.arenaStart;
  }

  /** Reserves `bytes` in the arena (64-byte aligned), growing memory as needed; returns the offset. */
  alloc(bytes: number): number {
    const at = align(this.top, 64);
    this.top = at + bytes;
    ensureSize(this.memory, this.top);
    return at;
  }

  allocF32(count: number): number {
    return this.alloc(count * 4);
  }

  /** A fresh view (memory may have grown since the last one). */
  f32(offset: number, count: number): Float32Array {
    return new Float32Array(this.memory.buffer, offset, count);
  }

  i32(offset: number, count: number): Int32Array {
    return new Int32Array(this.memory.buffer, offset, count);
  }

  /** Allocates an int32 parameter block holding `words`. */
  params(words: readonly number[]): number {
    const at = this.alloc(words.length * 4);
    this.i32(at, words.length).set(words);
    return at;
  }

  scratchFloats(entry: ScratchEntry, params: number): number {
    return this.exports[entry](params);
  }

  /** Calls a memory-bound entry point on the main thread. */
  call(entry: MemoryEntry, ...args: number[]): void {
    this.exports[entry](...args);
  }

  /**
   * Runs `entry` with up to `nthreads` threads and waits for those that took part. The entry
   * point claims chunks of work from a counter in its parameter block, so the main thread alone
   * finishes the call if the workers are slow to wake. Returns the mask of the threads that ran
   * it (bit t = thread t; bit 0, the main thread, always set).
   */
  run(entry: KernelEntry, params: number, nthreads: number): number {
    const n = Math.max(1, Math.min(nthreads, this.threads));
    if (n === 1) {
      this.exports[entry](params, 0, 1);
      return 1;
    }
    const ctl = this.ctl;
    const gen = (Atomics.load(ctl, GEN) + 1) | 0;
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, FAILED, 0);
    Atomics.store(ctl, FN, ENTRIES.indexOf(entry));
    Atomics.store(ctl, PARAMS, params);
    Atomics.store(ctl, NTHREADS, n);
    Atomics.store(ctl, JOIN, (gen & GEN_MASK) << 8);
    Atomics.store(ctl, GEN, gen);
    Atomics.notify(ctl, GEN);
    let error: unknown;
    try {
      this.exports[entry](params, 0, n);
    } catch (e) {
      error = e;
    }
    const joined = Atomics.exchange(ctl, JOIN, -1) & 0xfe;
    const count = popcount(joined);
    for (let done = Atomics.load(ctl, DONE); done < count; done = Atomics.load(ctl, DONE)) Atomics.wait(ctl, DONE, done);
    if (error !== undefined) throw error;
    if (Atomics.load(ctl, FAILED) !== 0) throw new Error(`wus kernel ${entry} failed on a worker thread`);
    return joined | 1;
  }

  /** Stops the workers (tests; the process exits without it, the workers are unref'd). */
  async dispose(): Promise<void> {
    Atomics.store(this.ctl, FN, -1);
    Atomics.add(this.ctl, GEN, 1);
    Atomics.notify(this.ctl, GEN);
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }
}

function popcount(v: number): number {
  let c = 0;
  for (let x = v; x !== 0; x &= x - 1) c++;
  return c;
}

function align(v: number, a: number): number {
  return Math.ceil(v / a) * a;
}

function ensureSize(memory: WasmMemory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE));
}

async function waitReady(ctl: Int32Array, count: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Atomics.load(ctl, READY) < count) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 2));
  }
  return true;
}

/** Instantiates `module` on an existing memory (tfjs-backend-wasm's); runs nothing. */
export function instantiateOn(module: WasmModule, memory: WasmMemory): WasmInstance {
  return new WA.Instance(module, { env: { memory } });
}

export type { WasmGlobal, WasmInstance, WasmMemory };

let runtime: KernelRuntime | undefined;
let pending: Promise<KernelRuntime> | undefined;

/** The process-wide runtime, created on first use. */
export async function initKernelRuntime(threads?: number): Promise<KernelRuntime> {
  if (runtime !== undefined) return runtime;
  pending ??= KernelRuntime.create(threads).then((r) => (runtime = r));
  return pending;
}

/** The runtime, which `initKernelRuntime` must have created (kernels run synchronously). */
export function kernelRuntime(): KernelRuntime {
  if (runtime === undefined) throw new Error('wus kernels used before initKernelRuntime() (called by selectBackend / registerWusKernels)');
  return runtime;
}
