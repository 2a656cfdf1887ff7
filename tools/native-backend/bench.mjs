#!/usr/bin/env node
// Side-by-side step timings of the tfjs backends in ONE process: forward (training-mode forward
// + loss), full training step, bias-only (skip-weights) step, for zoo-basic's MLP 784-256-128-10
// and LeNet-5 on 28×28×1 inputs. Rounds interleave the backends (one step of each kind per
// backend per round), so load from other processes hits every backend alike. Median of N rounds
// after W untimed warm-up rounds. Needs the workspace built (npx nx run-many -t build).
//   node tools/native-backend/bench.mjs [--backends tfjs-node,wasm,cpu] [--models mlp,lenet5]
//        [--batches 64,128] [--rounds 15] [--warmup 3] [--budget-s 4] [--json out.json]
// --budget-s caps the timed seconds per backend and kind: a slow one (cpu's LeNet full step
// takes seconds) stops after 3 samples once over budget; the table says how many it got.
import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { FULL_UPDATE, Sgd, Trainer, selectBackend, skipWeights, softmaxCrossEntropy } from '@wus/core';
import { toyDataset } from '@wus/core/testing';
import { wasmKernels } from '@wus/kernels-wasm';
import { buildLenet5, buildMlp } from '@wus/zoo-basic';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const list = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);
const backends = list(opt('backends', 'tfjs-node,wasm,cpu'));
const models = list(opt('models', 'mlp,lenet5'));
const batches = list(opt('batches', '64,128')).map(Number);
const rounds = Number(opt('rounds', '15'));
const warmup = Number(opt('warmup', '3'));
const budgetMs = 1000 * Number(opt('budget-s', '4'));
const jsonOut = opt('json', undefined);

const build = { mlp: buildMlp, lenet5: buildLenet5 };
const KINDS = ['forward', 'full', 'biasOnly'];

function facts() {
  let cpu = os.cpus()[0]?.model ?? '?';
  try {
    cpu = execSync("lscpu | sed -n 's/^Model name: *//p'", { encoding: 'utf8' }).trim() || cpu;
  } catch {}
  return { cpu, cores: os.cpus().length, node: process.version, loadavg: os.loadavg().map((l) => l.toFixed(2)).join(' ') };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** One model + trainer + batch living on one backend. */
function makeCase(modelName, batch) {
  const model = build[modelName]({ inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
  const data = toyDataset({ count: batch, sampleShape: [28, 28, 1], numClasses: 10, seed: 2 });
  const trainer = new Trainer({ model, data, optimizer: new Sgd({ momentum: 0.9 }), policy: { description: 'bench', plan: () => FULL_UPDATE }, epochs: 1, batchSize: batch, lr: 0.01, seed: 3 });
  const b = [...data.train.batches({ batchSize: batch })][0];
  const run = {
    forward: () => {
      const l = tf.tidy(() => softmaxCrossEntropy(model.forward(b.x, true), b.y));
      l.dataSync();
      l.dispose();
    },
    full: () => {
      const o = trainer.trainStep(b.x, b.y, FULL_UPDATE);
      o.lossSum.dataSync();
      tf.dispose([o.lossSum, o.correct]);
    },
    biasOnly: () => {
      const o = trainer.trainStep(b.x, b.y, skipWeights());
      o.lossSum.dataSync();
      tf.dispose([o.lossSum, o.correct]);
    },
  };
  return { run, dispose: () => { model.dispose(); tf.dispose([b.x, b.y]); } };
}

async function main() {
  const f = facts();
  const active = [];
  const versions = {};
  for (const name of backends) {
    try {
      const choice = await selectBackend(name, { kernels: [wasmKernels] });
      active.push({ name, tfjsBackend: choice.tfjsBackend });
      if (choice.tfjsBackend === 'tensorflow') versions[name] = `TensorFlow ${tf.backend().binding.TF_Version}`;
      if (choice.tfjsBackend === 'wasm') versions[name] = `simd ${await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')}, threads ${await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')}`;
    } catch (e) {
      console.log(`bench: ${name} skipped: ${String(e.message).split('\n')[0]}`);
    }
  }
  console.log(`bench: ${f.cpu}, ${f.cores} cores, Node ${f.node}, tfjs ${tf.version_core}; load ${f.loadavg}`);
  for (const a of active) console.log(`bench: ${a.name} (${a.tfjsBackend}) ${versions[a.name] ?? ''}`);
  console.log(`bench: median of up to ${rounds} interleaved rounds (n: fewest samples of a row) after ${warmup} warm-up rounds;`);
  console.log('bench: wall ms per step, then "cpu:" process CPU ms per step (all threads)\n');

  const results = [];
  for (const modelName of models) {
    for (const batch of batches) {
      const cases = [];
      for (const a of active) {
        await tf.setBackend(a.tfjsBackend);
        const c = makeCase(modelName, batch);
        // A kind a backend cannot run (a missing kernel) is reported, not fatal.
        const ok = {};
        for (const k of KINDS) {
          try {
            c.run[k]();
            ok[k] = true;
          } catch (e) {
            ok[k] = String(e.message).split('\n')[0].slice(0, 60);
          }
        }
        cases.push({ ...a, c, ok, warm: {}, times: { forward: [], full: [], biasOnly: [] }, cpu: { forward: [], full: [], biasOnly: [] } });
      }
      for (let r = 0; r < warmup + rounds; r++) {
        for (const cs of cases) {
          await tf.setBackend(cs.tfjsBackend);
          for (const k of KINDS) {
            if (cs.ok[k] !== true) continue;
            const ts = cs.times[k];
            if (r < warmup ? r > 0 && cs.warm[k] > budgetMs / 4 : ts.length >= 3 && ts.reduce((a, b) => a + b, 0) > budgetMs) continue;
            const c0 = process.cpuUsage();
            const t0 = performance.now();
            cs.c.run[k]();
            const dt = performance.now() - t0;
            const dc = process.cpuUsage(c0);
            if (r >= warmup) {
              ts.push(dt);
              cs.cpu[k].push((dc.user + dc.system) / 1000);
            }
            else cs.warm[k] = (cs.warm[k] ?? 0) + dt;
          }
        }
      }
      for (const cs of cases) {
        await tf.setBackend(cs.tfjsBackend);
        cs.c.dispose();
        const row = { model: modelName, batch, backend: cs.name };
        for (const k of KINDS) row[k] = cs.ok[k] === true ? median(cs.times[k]) : null;
        // CPU time of the process (all threads) per step: less sensitive to other processes'
        // load than wall time; above wall time where a backend runs several threads.
        row.cpuMs = Object.fromEntries(KINDS.map((k) => [k, cs.ok[k] === true ? median(cs.cpu[k]) : null]));
        row.samples = Math.min(...KINDS.filter((k) => cs.ok[k] === true).map((k) => cs.times[k].length));
        row.note = KINDS.filter((k) => cs.ok[k] !== true).map((k) => `${k}: ${cs.ok[k]}`).join('; ');
        results.push(row);
      }
    }
  }

  const fmt = (v) => (v === null ? 'n/a' : v.toFixed(2));
  const head = ['model', 'batch', 'backend', 'forward', 'full step', 'bias-only', 'bias/full', 'n', 'cpu: fwd', 'full', 'bias'];
  const rows = results.map((r) => [r.model, String(r.batch), r.backend, fmt(r.forward), fmt(r.full), fmt(r.biasOnly), r.full && r.biasOnly ? `${((100 * r.biasOnly) / r.full).toFixed(0)} %` : '-', String(r.samples), fmt(r.cpuMs.forward), fmt(r.cpuMs.full), fmt(r.cpuMs.biasOnly)]);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i < 3 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
  console.log(line(head));
  console.log(w.map((n) => '-'.repeat(n)).join('  '));
  for (const r of rows) console.log(line(r));
  for (const r of results) if (r.note) console.log(`note: ${r.model}/${r.batch}/${r.backend}: ${r.note}`);
  console.log(`\nbench: load at end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ facts: f, versions, rounds, warmup, results }, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
