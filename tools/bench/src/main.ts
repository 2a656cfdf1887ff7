#!/usr/bin/env node
/**
 * wus benchmark harness. For each model × backend: forward, full train step and bias-only
 * step (median of N after warm-up, through Trainer.trainStep), images/s, and where the step's
 * time goes (weight gradients and weight updates from kernel profiles, and full − bias-only);
 * then the PyTorch CPU peer on the same model, batch, shapes and thread count. Prints machine
 * facts, a table, and writes JSON.
 *
 *   npm run bench -w @wus/bench -- --models lenet5,vgg11,resnet18 --json bench.json
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { idleShare, machineFacts, waitForIdle } from './machine.js';
import { MODELS } from './models.js';
import { relativeSpread } from './stats.js';
import { formatTable, type Row } from './table.js';
import { runTorchPeer, torchPython, type TorchResult } from './torch-peer.js';

const HELP = `usage: node dist/main.js [options]
  --models LIST     lenet5,vgg11,resnet18 (default: all)
  --backends LIST   wasm,wasm+onednn,cpu+onednn,cpu,tensorflow (default: wasm, plus wasm+onednn and
                    cpu+onednn when the oneDNN addon is built (npm run setup:onednn: its convolutions
                    and matrix products over our WebAssembly kernels), plus tensorflow when
                    @tensorflow/tfjs-node loads)
  --batch N         batch size (default per model: lenet5 64, vgg11 32, resnet18 32)
  --width W         width multiplier of the models (default 1)
  --threads N       threads of our wasm and oneDNN kernels and of PyTorch (default: all cores, ${availableParallelism()} here)
  --warmup N        untimed repetitions first (default 2)
  --reps N          timed repetitions, the median is reported (default 5)
  --no-relaxed-simd run the plain 128-bit SIMD build of our kernels (default: the relaxed-SIMD / FMA build where Node allows)
  --no-torch        skip the PyTorch peer (otherwise run when tools/bench/.venv exists: bash setup-torch.sh)
  --no-profile      skip the kernel profiles (weight-gradient share)
  --kernels         print the slowest kernels of each full step
  --stock           also measure each backend with tfjs's own kernels (ours unregistered): before/after
  --wait-idle P     before each model, wait (at most 10 min) until P % of the CPU is idle
  --json FILE       write every number as JSON (- for stdout)`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      models: { type: 'string', default: 'lenet5,vgg11,resnet18' },
      backends: { type: 'string' },
      batch: { type: 'string' },
      width: { type: 'string', default: '1' },
      threads: { type: 'string' },
      warmup: { type: 'string', default: '2' },
      reps: { type: 'string', default: '5' },
      'no-torch': { type: 'boolean', default: false },
      'no-relaxed-simd': { type: 'boolean', default: false },
      'no-profile': { type: 'boolean', default: false },
      kernels: { type: 'boolean', default: false },
      stock: { type: 'boolean', default: false },
      json: { type: 'string' },
      'wait-idle': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const int = (name: string, v: string | undefined, min: number): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${v}`);
    return n;
  };
  const threads = int('threads', values.threads, 1) ?? availableParallelism();
  // Read by the kernel runtime when it starts: set before importing the kernel package.
  process.env['WUS_KERNEL_THREADS'] = String(threads);
  const { selectBackend } = await import('@wus/core');
  const { registerWusKernels, unregisterWusKernels, wasmKernels } = await import('@wus/kernels-wasm');
  const { loadAddon, onednnKernels, registerOnednnKernels, unregisterOnednnKernels } = await import('@wus/kernels-onednn');
  const { measureModel } = await import('./measure.js');

  const width = Number(values.width);
  if (!(width > 0)) throw new Error(`--width must be positive, got ${values.width}`);
  const warmup = int('warmup', values.warmup, 0)!;
  const reps = int('reps', values.reps, 1)!;
  const models = values.models.split(',').map((m) => {
    const spec = MODELS[m.trim()];
    if (spec === undefined) throw new Error(`unknown model "${m}"; choose from ${Object.keys(MODELS).join(', ')}`);
    return spec;
  });
  let backends = values.backends?.split(',').map((b) => b.trim());
  if (backends === undefined) {
    backends = ['wasm'];
    if (await onednnKernels.register().then(() => true, () => false)) backends.push('wasm+onednn', 'cpu+onednn');
    // Resolves only where the native backend is installed (optional dependency of @wus/core).
    const nativePackage: string = '@tensorflow/tfjs-node';
    if (await import(nativePackage).then(() => true, () => false)) backends.push('tensorflow');
  }
  const BACKENDS = ['wasm', 'wasm+onednn', 'cpu+onednn', 'cpu', 'tensorflow'];
  for (const b of backends) if (!BACKENDS.includes(b)) throw new Error(`unknown backend "${b}"; choose from ${BACKENDS.join(', ')}`);
  // Throws, saying why, where the oneDNN addon is not built or cannot run.
  const onednn = backends.some((b) => b.endsWith('+onednn')) ? loadAddon().info() : undefined;
  const python = values['no-torch'] ? undefined : torchPython();

  if (values['no-relaxed-simd']) process.env['WUS_WASM_RELAXED_SIMD'] = '0';
  const kernelSimd = (await registerWusKernels()).simd;
  const facts = await machineFacts();
  console.log(`machine: ${facts.cpuModel}, ${facts.cores} cores, ${facts.memoryGiB} GiB; Node ${facts.node}; tfjs-core ${facts.tfjsCore}, tfjs-backend-wasm ${facts.tfjsBackendWasm} (SIMD ${facts.wasmSimd ? 'yes' : 'no'}, tfjs wasm threads ${facts.wasmMultithread ? 'yes' : 'no'})`);
  console.log(`load average at start: ${facts.loadAverage.map((l) => l.toFixed(2)).join(' ')}; wus kernels: ${kernelSimd} build, ${threads} threads; warm-up ${warmup}, median of ${reps}; width ${width}`);
  if (onednn !== undefined) console.log(`oneDNN ${onednn.version} kernels: ISA ${onednn.isa}, ${onednn.threads} OpenMP threads; OMP_WAIT_POLICY ${process.env['OMP_WAIT_POLICY']} (PyTorch's too)`);
  if (values['no-torch']) console.log('PyTorch peer: skipped (--no-torch)');
  else if (python === undefined) console.log('PyTorch peer: no interpreter (run: bash tools/bench/setup-torch.sh, or set WUS_TORCH_PYTHON)');

  const rows: Row[] = [];
  const results: unknown[] = [];
  const waitIdle = values['wait-idle'] === undefined ? undefined : Number(values['wait-idle']) / 100;
  if (waitIdle !== undefined && !(waitIdle > 0 && waitIdle <= 1)) throw new Error(`--wait-idle must be a percentage in (0, 100], got ${values['wait-idle']}`);
  const idleSeen: Record<string, number | undefined> = {};
  for (const spec of models) {
    const batch = int('batch', values.batch, 1) ?? spec.defaultBatch;
    const idle = waitIdle === undefined ? await idleShare() : await waitForIdle(waitIdle, 10 * 60_000);
    idleSeen[spec.name] = idle;
    if (idle !== undefined) console.log(`${spec.name}: CPU ${(100 * idle).toFixed(0)} % idle before measuring`);
    let torch: TorchResult | undefined;
    const modelRows: Row[] = [];
    for (const backend of backends) {
      const withOnednn = backend.endsWith('+onednn');
      for (const stock of values.stock && backend !== 'tensorflow' && !withOnednn ? [false, true] : [false]) {
        // x+onednn: backend x with the oneDNN kernels over the WebAssembly ones; wasm, cpu: without them.
        if (withOnednn) registerOnednnKernels();
        else if (onednn !== undefined) unregisterOnednnKernels();
        const requested = backend === 'tensorflow' ? 'tfjs-node' : (backend.replace('+onednn', '') as 'wasm' | 'cpu');
        const choice = await selectBackend(requested, { kernels: [wasmKernels] });
        if (stock) unregisterWusKernels([choice.tfjsBackend]);
        const label = stock ? `${choice.tfjsBackend} (tfjs kernels)` : withOnednn ? backend : choice.tfjsBackend;
        process.stderr.write(`… ${spec.name} batch ${batch} on ${label}\n`);
        try {
          const m = await measureModel(spec, { batch, width, warmup, reps, profile: !values['no-profile'] });
          const row: Row = { model: spec.name, batch, backend: label, ...m };
          modelRows.push(row);
          results.push({ ...row, backendReason: choice.reason, stockKernels: stock });
          if (m.fullStepError !== undefined) console.log(`${spec.name}/${label}: no full step: ${m.fullStepError}`);
          if (values.kernels && m.full !== undefined) {
            console.log(`${spec.name}/${label} full step, slowest kernels: ${m.full.top.map((k) => `${k.name} ${k.ms.toFixed(1)} ms ×${k.calls}`).join(', ')}`);
          }
          if (values.kernels && m.biasOnly !== undefined) {
            console.log(`${spec.name}/${label} bias-only step, slowest kernels: ${m.biasOnly.top.map((k) => `${k.name} ${k.ms.toFixed(1)} ms ×${k.calls}`).join(', ')}`);
          }
        } finally {
          if (stock) await registerWusKernels({ backends: [choice.tfjsBackend] });
        }
      }
    }
    if (python !== undefined) {
      process.stderr.write(`… ${spec.name} batch ${batch} on PyTorch\n`);
      try {
        torch = runTorchPeer(python, spec, { batch, width, threads, warmup, reps });
        const { backend: _peer, ...times } = torch;
        const row: Row = {
          model: spec.name,
          batch,
          backend: `torch ${torch.version.split('+')[0]}`,
          ...times,
          fullStepSpread: relativeSpread(torch.runs.full),
          isPeer: true,
        };
        modelRows.push(row);
        results.push(row);
      } catch (e) {
        console.log(`PyTorch peer failed on ${spec.name}: ${(e as Error).message}`);
      }
    }
    for (const r of modelRows) rows.push(torch === undefined || r.isPeer === true ? r : { ...r, torchFullStepMs: torch.fullStepMs });
  }
  const endLoad = (await machineFacts()).loadAverage;
  console.log('');
  console.log(formatTable(rows));
  console.log('');
  console.log(`load average at end: ${endLoad.map((l) => l.toFixed(2)).join(' ')} (numbers taken under load on a shared machine are noisy; compare ratios within one run)`);
  const json = { facts: { ...facts, loadAverageEnd: endLoad, idleBeforeEachModel: idleSeen, kernelThreads: threads, kernelSimd, warmup, reps, width }, results };
  if (values.json === '-') console.log(JSON.stringify(json, null, 2));
  else if (values.json !== undefined) {
    writeFileSync(values.json, `${JSON.stringify(json, null, 2)}\n`);
    console.log(`JSON: ${values.json}`);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
