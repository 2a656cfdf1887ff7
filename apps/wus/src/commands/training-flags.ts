import { ConfigError } from '@wus/core';
import { Command, Option } from 'commander';

/** A numeric flag; anything else is a ConfigError naming the flag as typed (exit 2, one line). */
export function number(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new ConfigError(`${name} must be a number, got "${v}"`);
    return n;
  };
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** Flags shared by `train` and `compare`; each maps to a config key (flags beat the config file). */
export function addTrainingFlags(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'YAML or JSON config file; flags override its values')
    .option('-m, --model <name>', 'model plugin (default mlp; see `wus plugins`)')
    .option('--model-option <key=value>', 'model option, e.g. widthMultiplier=0.5 (repeatable)', collect)
    .option('-d, --dataset <name>', 'dataset plugin (default fashion-mnist)')
    .option('--data-dir <dir>', 'directory holding the data files')
    .option('--dataset-option <key=value>', 'dataset option, e.g. padTo=32 (fashion-mnist) or labels=coarse (cifar100) (repeatable)', collect)
    .option('--val-fraction <x>', 'fraction of training data held out for validation (default 0.1)', number('--val-fraction'))
    .option('--limit <n>', 'use only the first n training images (quick runs)', number('--limit'))
    .option('-e, --epochs <n>', 'epochs (default 15)', number('--epochs'))
    .option('-b, --batch-size <n>', 'mini-batch size (default 128)', number('--batch-size'))
    .option('--lr <x>', 'base learning rate (default 0.05)', number('--lr'))
    .addOption(new Option('--optimizer <name>', 'optimizer (default sgd)').choices(['sgd', 'adam']))
    .option('--momentum <x>', 'SGD momentum (default 0.9)', number('--momentum'))
    .option('--weight-decay <x>', 'L2 weight decay on weights, applied only when they update (default 5e-4)', number('--weight-decay'))
    .option('--lr-schedule <name>', 'LR schedule plugin: constant, step, cosine, plateau')
    .option('-s, --seed <n>', 'seed of data order and initialisation (default 42)', number('--seed'))
    .addOption(new Option('--backend <name>', 'tfjs backend (default auto)').choices(['auto', 'tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu']))
    .option('--callback <name>', 'attach a callback plugin, e.g. early-stopping (repeatable; options with -o name.key=value)', collect)
    .option('-o, --policy-option <plugin.key=value>', 'skip-policy, callback or LR-schedule option, e.g. wus.threshold=0.003, early-stopping.patience=2, cosine.minFactor=0.1 (repeatable)', collect)
    .option('--prefix-cache <size>', 'memory the frozen-prefix cache may use, e.g. 512MiB, 2GiB, or off (default 1GiB)')
    .option('--plugin <module>', 'load a plugin module (file path or package name; repeatable)', collect)
    .option('--experiment <name>', 'experiment the runs belong to (default "wus-<dataset>")')
    .option('--system-metrics-interval <s>', 'seconds between system-metric samples (CPU, memory, tensors) while training; 0: off (default 10)', number('--system-metrics-interval'))
    .option('--register-model <name>', 'register each trained model as a new version of this MLflow registered model')
    .option('--keep-checkpoints <k>', 'checkpoints kept per trial, the newest (default 2; 0: none, the run cannot be resumed)', number('--keep-checkpoints'))
    .option('--checkpoint-steps <n>', 'also checkpoint every n steps (default: at each epoch end only)', number('--checkpoint-steps'))
    .option('--resume <run>', 'continue a run that stopped (killed, interrupted, disk full) from its last checkpoint: its id or a unique prefix')
    .option('--test-every-epoch', 'also measure test accuracy after every epoch (untimed, recorded only)')
    .option('--tag <key=value>', 'extra tag on every run of this command, e.g. study=fmnist (repeatable)', collect)
    .option('--json', 'print the result as JSON on stdout');
}

export interface TrainingFlags {
  config?: string;
  model?: string;
  modelOption?: string[];
  dataset?: string;
  dataDir?: string;
  datasetOption?: string[];
  valFraction?: number;
  limit?: number;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  optimizer?: string;
  momentum?: number;
  weightDecay?: number;
  lrSchedule?: string;
  seed?: number;
  backend?: string;
  policyOption?: string[];
  plugin?: string[];
  prefixCache?: string;
  callback?: string[];
  experiment?: string;
  systemMetricsInterval?: number;
  registerModel?: string;
  keepCheckpoints?: number;
  checkpointSteps?: number;
  resume?: string;
  testEveryEpoch?: boolean;
  tag?: string[];
  json?: boolean;
}

/** Flags as config keys (undefined = not given, the config file or default decides). */
export function flagsToConfig(f: TrainingFlags): Record<string, unknown> {
  if (f.plugin !== undefined && f.plugin.some((p) => p.trim() === '')) throw new ConfigError('--plugin needs a module path or package name');
  return {
    model: f.model,
    dataset: f.dataset,
    dataDir: f.dataDir,
    validationFraction: f.valFraction,
    limit: f.limit,
    epochs: f.epochs,
    batchSize: f.batchSize,
    lr: f.lr,
    optimizer: f.optimizer,
    momentum: f.momentum,
    weightDecay: f.weightDecay,
    lrSchedule: f.lrSchedule,
    seed: f.seed,
    backend: f.backend,
    plugins: f.plugin,
    prefixCache: f.prefixCache,
    callbacks: f.callback,
    experiment: f.experiment,
    systemMetricsInterval: f.systemMetricsInterval,
    registerModel: f.registerModel,
    keepCheckpoints: f.keepCheckpoints,
    checkpointSteps: f.checkpointSteps,
    testEveryEpoch: f.testEveryEpoch,
    tags: f.tag === undefined ? undefined : Object.fromEntries(f.tag.map(parseTag)),
  };
}

/** `key=value` of `--tag`; the value may contain `=`. */
function parseTag(v: string): [string, string] {
  const at = v.indexOf('=');
  if (at < 1) throw new ConfigError(`--tag must be key=value, e.g. --tag study=fmnist; got "${v}"`);
  return [v.slice(0, at), v.slice(at + 1)];
}
