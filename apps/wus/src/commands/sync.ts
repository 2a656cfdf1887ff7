import { ConfigError } from '@wus/core';
import { TrackingServerError, mlflowClientFromEnv, syncToMlflow, type LocalRunStore, type SyncRunResult } from '@wus/tracking';
import type { Command } from 'commander';
import type { DependencyContainer } from 'tsyringe';
import { TOKENS, type Output } from '../container.js';

function describe(r: SyncRunResult): string {
  const who = `${r.run.experiment}/${r.run.name} (${r.run.runId.slice(0, 8)})`;
  if (!r.ok) return `failed     ${who}: ${r.error.message}`;
  const x = r.report;
  const sent = [
    x.metricsSent > 0 ? `${x.metricsSent} metric points` : '',
    x.paramsSent > 0 ? `${x.paramsSent} params` : '',
    x.tagsSent > 0 ? `${x.tagsSent} tags` : '',
    x.artifactsUploaded > 0 ? `${x.artifactsUploaded} artifacts` : '',
    x.datasetsSent > 0 ? `${x.datasetsSent} data sets` : '',
    x.modelsSent > 0 ? `${x.modelsSent} models` : '',
    x.statusUpdated ? 'status' : '',
  ].filter((s) => s !== '');
  const what = x.created ? 'created   ' : sent.length > 0 ? 'updated   ' : 'up to date';
  const issues = x.localIssues.length > 0 ? ` (${x.localIssues.length} local issue(s) skipped: see \`wus runs show ${r.run.runId}\`)` : '';
  return `${what} ${who} → MLflow run ${x.remoteRunId}${sent.length > 0 ? `: ${sent.join(', ')}` : ''}${issues}`;
}

export function registerSync(program: Command, container: () => DependencyContainer): void {
  program
    .command('sync')
    .description('replay the local run store into an MLflow server; idempotent: running it again sends only what is new')
    .option('--experiment <name>', 'only the runs of this local experiment')
    .option('--uri <uri>', 'MLflow tracking server (default $MLFLOW_TRACKING_URI); credentials: MLFLOW_TRACKING_USERNAME/PASSWORD or MLFLOW_TRACKING_TOKEN')
    .option('--json', 'print the report as JSON')
    .action(async (flags: { experiment?: string; uri?: string; json?: boolean }) => {
      const uri = flags.uri ?? process.env['MLFLOW_TRACKING_URI'];
      if (uri === undefined || uri.trim() === '') {
        throw new ConfigError('wus sync needs an MLflow server: pass --uri http://host:5000 or set MLFLOW_TRACKING_URI.');
      }
      const c = container();
      const store = c.resolve<LocalRunStore>(TOKENS.RunStore);
      const out = c.resolve<Output>(TOKENS.Output);
      const client = mlflowClientFromEnv(process.env, { trackingUri: uri }, { quickRetries: false });
      const report = await syncToMlflow(store, client, {
        ...(flags.experiment === undefined ? {} : { experiment: flags.experiment }),
        ...(flags.json === true ? {} : { onRun: (r) => out.err(describe(r)) }),
      });
      if (flags.json === true) {
        out.out(
          JSON.stringify(
            {
              ...report,
              results: report.results.map((r) => (r.ok ? { ok: true, runId: r.run.runId, ...r.report } : { ok: false, runId: r.run.runId, error: r.error.message })),
            },
            null,
            2,
          ),
        );
      } else {
        out.out(
          `${report.results.length} run(s) from ${store.root} synced to ${report.trackingUri}: ${report.created} created, ` +
            `${report.metricsSent} metric points sent, ${report.failed} failed`,
        );
      }
      if (report.failed > 0) {
        throw new TrackingServerError('server-rejected', `${report.failed} of ${report.results.length} run(s) could not be synced (see above); the others are in MLflow.`, {
          trackingUri: report.trackingUri,
        });
      }
    });
}
