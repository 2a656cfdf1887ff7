import * as tf from '@tensorflow/tfjs-core';
// The umbrella package registers every op's gradient on the shared tfjs-core engine; the
// tfjs-core ESM entry alone registers none, and its dist/ files are not Node-loadable.
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { BackendError } from '../errors/errors.js';
import { installFlopCounter } from '../kernels/flop-counter.js';
import { installGradientOverrides } from '../kernels/gradients.js';
import type { KernelPackage } from '../kernels/kernel-package.js';
import type { Model } from '../model/model.js';

// We report the backend choice ourselves; PROD silences tfjs's own "install tfjs-node" banner.
tf.env().set('PROD', true);

export type BackendName = 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu';
export const BACKEND_PREFERENCE: readonly BackendName[] = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'];

export interface BackendChoice {
  readonly name: BackendName;
  /** The tfjs backend id now active (`tensorflow`, `wasm`, `cpu`). */
  readonly tfjsBackend: string;
  /** Why this one: what was tried before it and why that failed, or that it was requested. */
  readonly reason: string;
}

/** The npm package (native backends) or backend id to activate for each choice. */
const NATIVE_PACKAGE: Partial<Record<BackendName, string>> = {
  'tfjs-node-gpu': '@tensorflow/tfjs-node-gpu',
  'tfjs-node': '@tensorflow/tfjs-node',
};

async function tryActivate(name: BackendName, requiredKernels: readonly string[]): Promise<string> {
  const pkg = NATIVE_PACKAGE[name];
  if (pkg !== undefined) {
    // A native package registers the 'tensorflow' backend on import; missing → throws.
    // TensorFlow logs a page of start-up info at level 0; keep warnings and errors only.
    process.env['TF_CPP_MIN_LOG_LEVEL'] ??= '2';
    await import(pkg);
    if (!(await tf.setBackend('tensorflow'))) throw new Error(`${pkg} loaded but the tensorflow backend did not initialise`);
    installFlopCounter('tensorflow');
    return 'tensorflow';
  }
  const missing = requiredKernels.filter((k) => tf.getKernel(k, name) === undefined);
  if (missing.length > 0) throw new Error(`it has no ${missing.join(', ')} kernel, which this model needs`);
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend "${name}" failed to initialise`);
  installFlopCounter(name);
  return name;
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  // Our machines cannot download libtensorflow at install time; setup:native builds it from PyPI.
  if ((e as NodeJS.ErrnoException | undefined)?.code === 'ERR_MODULE_NOT_FOUND') return 'not installed; `npm run setup:native` builds it';
  if (/tfjs_binding\.node.*can ?not be found/i.test(msg)) return 'installed without its native binding; run `npm run setup:native`';
  return msg.split('\n')[0]!.slice(0, 200);
}

/**
 * Registers the kernel packages the application has (the WebAssembly SIMD kernels, the native
 * oneDNN ones), once each, before a backend is chosen. One that cannot run here (no binary for
 * this machine, a CPU it does not support) leaves the kernels already registered in place; the
 * choice's reason says so and leaves it out of the packages it names.
 */
const registrations = new Map<KernelPackage, Promise<string | undefined>>();
async function registerKernelPackages(packages: readonly KernelPackage[]): Promise<string[]> {
  const notes: string[] = [];
  for (const p of packages) {
    let r = registrations.get(p);
    if (r === undefined) {
      r = p.register().then(
        () => undefined,
        (e: unknown) => `${p.name} kernels unavailable (${firstLine(e)})`,
      );
      registrations.set(p, r);
    }
    const note = await r;
    if (note !== undefined) notes.push(note);
  }
  return notes;
}

/** Kernel packages registered for a tfjs backend (those that could not be, left out): said in the choice's reason. */
async function kernelsOn(tfjsBackend: string, packages: readonly KernelPackage[]): Promise<string> {
  const names: string[] = [];
  for (const p of packages) if (p.backends.includes(tfjsBackend) && (await registrations.get(p)) === undefined) names.push(p.name);
  return names.length === 0 ? '' : `, ${names.join(' + ')} kernels`;
}

export interface SelectBackendOptions {
  /** Kernels a training step of the model needs: a backend lacking one is passed over. */
  readonly requiredKernels?: readonly string[];
  /** Kernel packages to register first (the application's; core knows none). */
  readonly kernels?: readonly KernelPackage[];
}

/**
 * Activates the fastest backend that loads, in the order tfjs-node-gpu → tfjs-node → wasm → cpu,
 * or exactly `requested`, after registering the given kernel packages. A backend lacking one of
 * `requiredKernels` is passed over (stock tfjs-wasm lacks Conv2DBackpropFilter; the WebAssembly
 * kernel package adds it). The returned reason says what was skipped and why, and which kernel
 * packages run on the chosen backend.
 */
export async function selectBackend(requested?: BackendName | 'auto', options: SelectBackendOptions = {}): Promise<BackendChoice> {
  const required = options.requiredKernels ?? [];
  const packages = options.kernels ?? [];
  installGradientOverrides();
  const notes = await registerKernelPackages(packages);
  const withNote = async (reason: string, tfjsBackend: string) => [`${reason}${await kernelsOn(tfjsBackend, packages)}`, ...notes].join('; ');
  if (requested !== undefined && requested !== 'auto') {
    if (!BACKEND_PREFERENCE.includes(requested)) {
      throw new BackendError(`unknown backend "${String(requested)}"; choose one of: auto, ${BACKEND_PREFERENCE.join(', ')}`);
    }
    try {
      const tfjsBackend = await tryActivate(requested, required);
      return { name: requested, tfjsBackend, reason: await withNote('requested with --backend', tfjsBackend) };
    } catch (cause) {
      throw new BackendError(`backend "${requested}" cannot be used here: ${firstLine(cause)}`, { cause });
    }
  }
  const skipped: string[] = [];
  for (const name of BACKEND_PREFERENCE) {
    try {
      const tfjsBackend = await tryActivate(name, required);
      const reason = skipped.length === 0 ? 'first choice' : `fallback: ${skipped.join('; ')}`;
      return { name, tfjsBackend, reason: await withNote(reason, tfjsBackend) };
    } catch (e) {
      skipped.push(`${name} unavailable (${firstLine(e)})`);
    }
  }
  throw new BackendError(`no tfjs backend could be initialised: ${skipped.join('; ')}`);
}

/**
 * The kernels a model needs, learnt by building it once on the always-available cpu backend
 * (variables live on a backend, so building needs one) and disposing it. `inspect` may look at
 * the same throwaway model first (the app's pre-flight checks of policies), so it is built once.
 */
export async function probeRequiredKernels(build: () => Model, inspect?: (model: Model) => Promise<void>): Promise<readonly string[]> {
  await tf.setBackend('cpu');
  const model = build();
  try {
    await inspect?.(model);
    return model.requiredKernels ?? [];
  } finally {
    model.dispose();
  }
}

/** What the active backend holds now: tfjs's tensor count and bytes, and the wasm heap on wasm. */
export interface BackendMemory {
  readonly tensors: number;
  readonly bytes: number;
  /** Size of tfjs-backend-wasm's WebAssembly memory (it only grows); undefined on other backends. */
  readonly wasmHeapBytes: number | undefined;
}

export function backendMemory(): BackendMemory {
  const { numTensors, numBytes } = tf.memory();
  const wasm = tf.getBackend() === 'wasm' ? (tf.backend() as { wasm?: { asm?: { memory?: { buffer: ArrayBuffer } }; HEAPU8?: Uint8Array } }).wasm : undefined;
  return { tensors: numTensors, bytes: numBytes, wasmHeapBytes: wasm?.asm?.memory?.buffer.byteLength ?? wasm?.HEAPU8?.byteLength };
}
