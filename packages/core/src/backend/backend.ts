import * as tf from '@tensorflow/tfjs-core';
// The umbrella package registers every op's gradient on the shared tfjs-core engine; the
// tfjs-core ESM entry alone registers none, and its dist/ files are not Node-loadable.
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { BackendError } from '../errors/errors.js';
import { installGradientOverrides } from '../kernels/matmul-gradient.js';
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
    await import(pkg);
    if (!(await tf.setBackend('tensorflow'))) throw new Error(`${pkg} loaded but the tensorflow backend did not initialise`);
    return 'tensorflow';
  }
  const missing = requiredKernels.filter((k) => tf.getKernel(k, name) === undefined);
  if (missing.length > 0) throw new Error(`it has no ${missing.join(', ')} kernel, which this model needs`);
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend "${name}" failed to initialise`);
  return name;
}

function firstLine(e: unknown): string {
  if ((e as NodeJS.ErrnoException | undefined)?.code === 'ERR_MODULE_NOT_FOUND') return 'not installed';
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0]!.slice(0, 200);
}

/**
 * Activates the fastest backend that loads, in the order tfjs-node-gpu → tfjs-node → wasm → cpu,
 * or exactly `requested`. A backend lacking one of `requiredKernels` (e.g. wasm has no
 * Conv2DBackpropFilter) is passed over. The returned reason says what was skipped and why.
 */
export async function selectBackend(
  requested?: BackendName | 'auto',
  options: { readonly requiredKernels?: readonly string[] } = {},
): Promise<BackendChoice> {
  const required = options.requiredKernels ?? [];
  installGradientOverrides();
  if (requested !== undefined && requested !== 'auto') {
    if (!BACKEND_PREFERENCE.includes(requested)) {
      throw new BackendError(`unknown backend "${String(requested)}"; choose one of: auto, ${BACKEND_PREFERENCE.join(', ')}`);
    }
    try {
      const tfjsBackend = await tryActivate(requested, required);
      return { name: requested, tfjsBackend, reason: 'requested with --backend' };
    } catch (cause) {
      throw new BackendError(`backend "${requested}" cannot be used here: ${firstLine(cause)}`, { cause });
    }
  }
  const skipped: string[] = [];
  for (const name of BACKEND_PREFERENCE) {
    try {
      const tfjsBackend = await tryActivate(name, required);
      const reason = skipped.length === 0 ? 'first choice' : `fallback: ${skipped.join('; ')}`;
      return { name, tfjsBackend, reason };
    } catch (e) {
      skipped.push(`${name} unavailable (${firstLine(e)})`);
    }
  }
  throw new BackendError(`no tfjs backend could be initialised: ${skipped.join('; ')}`);
}

/**
 * The kernels a model needs, learnt by building it once on the always-available cpu backend
 * (variables live on a backend, so building needs one) and disposing it.
 */
export async function probeRequiredKernels(build: () => Model): Promise<readonly string[]> {
  await tf.setBackend('cpu');
  const model = build();
  const kernels = model.requiredKernels ?? [];
  model.dispose();
  return kernels;
}
