import { mlflowRunUrl, type LocalRunStore } from '@wus/tracking';
import type { Command } from 'commander';
import type { DependencyContainer } from 'tsyringe';
import { TOKENS, type Output } from '../container.js';

const time = (ms: number | null | undefined) => (ms == null ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19));

export function registerRuns(program: Command, container: () => DependencyContainer): void {
  const runs = program.command('runs').description('list and inspect runs in the local run store ($WUS_HOME/runs or ./.wus/runs)');
  runs
    .command('list', { isDefault: true })
    .description('list runs, newest last; trials are indented under their study')
    .option('--experiment <name>', 'only this experiment')
    .option('--json', 'print as JSON')
    .action(async (flags: { experiment?: string; json?: boolean }) => {
      const c = container();
      const store = c.resolve<LocalRunStore>(TOKENS.RunStore);
      const out = c.resolve<Output>(TOKENS.Output);
      const all = await store.listRuns(flags.experiment === undefined ? {} : { experiment: flags.experiment });
      if (flags.json === true) return out.out(JSON.stringify(all, null, 2));
      if (all.length === 0) return out.out(`no runs in ${store.root}`);
      const lines: string[] = [];
      for (const r of all.filter((x) => x.parentRunId === null)) {
        lines.push(`${r.runId}  ${time(r.startTime)}  ${r.displayStatus.padEnd(9)}  ${r.experiment}/${r.name}`);
        for (const child of all.filter((x) => x.parentRunId === r.runId)) {
          lines.push(`  └ ${child.runId}  ${child.displayStatus.padEnd(9)}  ${child.name}`);
        }
      }
      out.out(lines.join('\n'));
    });
  runs
    .command('show <runId>')
    .description('params, tags, latest metrics and artifacts of one run (a unique id prefix is enough)')
    .option('--json', 'print as JSON')
    .action(async (id: string, flags: { json?: boolean }) => {
      const c = container();
      const store = c.resolve<LocalRunStore>(TOKENS.RunStore);
      const out = c.resolve<Output>(TOKENS.Output);
      const run = await store.getRun(id);
      if (flags.json === true) return out.out(JSON.stringify(run, null, 2));
      const section = (title: string, rec: Record<string, unknown>) =>
        [`${title}:`, ...Object.entries(rec).map(([k, v]) => `  ${k} = ${typeof v === 'number' ? Number(v.toPrecision(6)) : String(v)}`)];
      out.out(
        [
          `run ${run.info.runId} (${run.info.name}) ${run.info.displayStatus}`,
          `  experiment ${run.info.experiment}, started ${time(run.info.startTime)}, ended ${time(run.info.endTime)}`,
          ...(run.info.parentRunId === null ? [] : [`  study ${run.info.parentRunId}`]),
          ...section('params', run.params),
          ...section('tags', run.tags),
          ...section('metrics (latest)', run.latestMetrics),
          `artifacts: ${run.artifacts.map((a) => a.name).join(', ') || '(none)'}`,
          ...(run.inputs.length === 0 ? [] : [`datasets: ${run.inputs.map((d) => `${d.name} ${d.context} (digest ${d.digest})`).join(', ')}`]),
          ...run.models.map((m) => `model ${m.name}: ${m.artifactPath}/ (${m.files.join(', ')})${m.registeredModelName === undefined ? '' : `, registered as "${m.registeredModelName}"`}`),
          // Where the run is in MLflow, as the tracker or `wus sync` recorded it (no server is asked).
          ...Object.entries(run.replicas).flatMap(([uri, r]) => [
            `mlflow: run ${r.runId} ${mlflowRunUrl(uri, r.experimentId, r.runId)}`,
            ...Object.entries(r.models ?? {}).map(([name, id]) => `mlflow: model ${name} ${id}`),
          ]),
          ...run.issues.map((i) => `warning: ${i.kind}: ${i.message}`),
        ].join('\n'),
      );
    });
}
