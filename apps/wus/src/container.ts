import 'reflect-metadata';
import { PluginRegistry, StopSignal, type KernelPackage } from '@wus/core';
import { plugins as datasetPlugins } from '@wus/datasets';
import { loadAddon, onednnKernels, unregisterOnednnKernels } from '@wus/kernels-onednn';
import { wasmKernels } from '@wus/kernels-wasm';
import { plugins as lrSchedulePlugins } from '@wus/lr-schedules';
import { plugins as basicPolicyPlugins } from '@wus/policy-basic';
import { plugins as freezePlugins } from '@wus/policy-freeze';
import { plugins as callbackPlugins } from '@wus/callbacks';
import { plugins as wusPlugins } from '@wus/policy-wus';
import { plugins as wusLrPlugins } from '@wus/policy-wus-lr';
import { LocalRunStore, defaultRunStoreRoot, trackerFromEnv, type Tracker } from '@wus/tracking';
import { plugins as zooBasicPlugins } from '@wus/zoo-basic';
import { plugins as zooCifarPlugins } from '@wus/zoo-cifar';
import type { OptionalKernels } from './experiment/kernel-probe.js';
import { instanceCachingFactory, container as rootContainer, type DependencyContainer } from 'tsyringe';

/** Injection tokens: interfaces have no runtime identity, so every seam gets a symbol. */
export const TOKENS = {
  Registry: Symbol('PluginRegistry'),
  Tracker: Symbol('Tracker'),
  RunStore: Symbol('LocalRunStore'),
  Output: Symbol('Output'),
  Stop: Symbol('StopSignal'),
  Kernels: Symbol('KernelPackages'),
  OptionalKernels: Symbol('OptionalKernels'),
} as const;

/** Where the app writes what the user reads; tests capture it. */
export interface Output {
  /** Results (tables, JSON): stdout. */
  out(text: string): void;
  /** Progress and diagnostics: stderr. */
  err(text: string): void;
  /** Whether progress bars may redraw (a terminal). */
  readonly interactive: boolean;
}

export const processOutput: Output = {
  out: (t) => void process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => void process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  interactive: process.stderr.isTTY === true,
};

/**
 * The kernel packages backend selection may use, registered before a backend is chosen, in this
 * order: the native oneDNN convolutions and matrix products (where `npm run setup:onednn` built
 * them) over the WebAssembly kernels.
 */
export const KERNEL_PACKAGES: readonly KernelPackage[] = [wasmKernels, onednnKernels];

/** The package `auto` keeps only where its probe finds it faster (experiment/kernel-probe.ts). */
export const OPTIONAL_KERNELS: OptionalKernels = {
  pkg: onednnKernels,
  unregister: unregisterOnednnKernels,
  identity: () => {
    const { version, isa } = loadAddon().info();
    return `onednn ${version} ${isa}`;
  },
};

/** Built-ins register exactly as a third-party plugin module would. */
export const BUILTIN_PLUGIN_MODULES = [zooBasicPlugins, zooCifarPlugins, datasetPlugins, basicPolicyPlugins, wusPlugins, wusLrPlugins, freezePlugins, lrSchedulePlugins, callbackPlugins];

export interface ContainerOptions {
  readonly storeRoot?: string;
  readonly output?: Output;
  /** Requested by the signal handlers (main.ts) or a test; trainers stop after their current step. */
  readonly stop?: StopSignal;
  /** Environment read for MLFLOW_TRACKING_URI and credentials (default process.env; tests). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The composition root: the only place that knows every package. */
export function createContainer(options: ContainerOptions = {}): DependencyContainer {
  const c = rootContainer.createChildContainer();
  const registry = new PluginRegistry();
  for (const mod of BUILTIN_PLUGIN_MODULES) registry.register(...mod);
  const store = new LocalRunStore({ root: options.storeRoot ?? defaultRunStoreRoot() });
  c.registerInstance(TOKENS.Registry, registry);
  c.registerInstance(TOKENS.RunStore, store);
  const output = options.output ?? processOutput;
  // No MLFLOW_TRACKING_URI: the local store. An http(s):// URI: live MLflow logging, journaled
  // to the local store. Built on first use, so `wus runs` works whatever the URI says.
  c.register<Tracker>(TOKENS.Tracker, {
    useFactory: instanceCachingFactory(() => trackerFromEnv(store, { env: options.env ?? process.env, onEvent: (e) => output.err(`mlflow: ${e.message}`) })),
  });
  c.registerInstance<Output>(TOKENS.Output, output);
  c.registerInstance<StopSignal>(TOKENS.Stop, options.stop ?? new StopSignal());
  c.registerInstance<readonly KernelPackage[]>(TOKENS.Kernels, KERNEL_PACKAGES);
  c.registerInstance<OptionalKernels>(TOKENS.OptionalKernels, OPTIONAL_KERNELS);
  return c;
}
