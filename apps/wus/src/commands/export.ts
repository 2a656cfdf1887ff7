import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { DependencyContainer } from 'tsyringe';
import { assertWritableTarget, exportTfjsLayers } from '@wus/export-tfjs-layers';
import type { LocalRunStore } from '@wus/tracking';
import { TOKENS, type Output } from '../container.js';
import { ExperimentRunner } from '../experiment/runner.js';
import { findSavedRun, restoreModel } from '../experiment/saved-model.js';

export const EXPORT_FORMATS = ['tfjs-layers'] as const;

/**
 * `wus export <run> --format tfjs-layers`: rebuilds a trial's model as `wus evaluate` does and
 * writes it as a TensorFlow.js Layers model (`model.json` + `weights.bin`) that plain
 * `@tensorflow/tfjs` loads with `tf.loadLayersModel`. The model outputs logits. The run and the
 * output directory are checked before any data loads; the directory appears complete or not at all.
 */
export function registerExport(program: Command, container: () => DependencyContainer): void {
  program
    .command('export <runId>')
    .description("write a trial's saved model for other tools: a TensorFlow.js Layers model (tf.loadLayersModel) that outputs logits (a unique id prefix is enough)")
    .addOption(new Option('--format <format>', 'output format').choices(EXPORT_FORMATS).makeOptionMandatory())
    .option('--out <dir>', 'directory to create; must not exist or be empty (default ./<first 8 characters of the run id>-tfjs-layers)')
    .action(async (id: string, flags: { format: (typeof EXPORT_FORMATS)[number]; out?: string }) => {
      const c = container();
      const store = c.resolve<LocalRunStore>(TOKENS.RunStore);
      const out = c.resolve<Output>(TOKENS.Output);
      const saved = await findSavedRun(store, id, 'export');
      const runId = saved.run.info.runId;
      const dir = resolve(flags.out ?? `${runId.slice(0, 8)}-${flags.format}`);
      await assertWritableTarget(dir);
      const { config, session, model } = await restoreModel(store, c.resolve(ExperimentRunner), saved);
      try {
        const data = session.data;
        const normalization = 'normalization' in data ? data.normalization : undefined;
        const result = await exportTfjsLayers(model, dir, {
          metadata: {
            wus: {
              runId,
              run: saved.run.info.name,
              model: config.model,
              modelOptions: config.modelOptions,
              dataset: data.name,
              datasetOptions: config.datasetOptions,
              inputShape: model.inputShape,
              // What the input must be: the data set's images as it prepared them for training.
              ...(normalization === undefined ? {} : { inputNormalization: normalization }),
              output: 'logits',
              ...(data.classNames === undefined ? {} : { classNames: data.classNames }),
            },
          },
        });
        out.out(
          `run ${runId} (${saved.run.info.name}): ${config.model} written as a tfjs-layers model to ${dir} ` +
            `(model.json, weights.bin ${result.weightBytes} bytes); input [${model.inputShape.join(', ')}], output ${model.numClasses} logits`,
        );
      } finally {
        model.dispose();
      }
    });
}
