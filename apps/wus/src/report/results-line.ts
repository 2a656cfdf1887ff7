import { resolve } from 'node:path';

/**
 * The last line of `wus train` and `wus compare`: where the results are — the run (or study) in
 * the local run store, the commands that show it, and its MLflow pages when runs go there.
 */
export function resultsLine(
  run: { readonly kind: 'run' | 'study'; readonly id: string; readonly trials?: number },
  storeRoot: string,
  experiment: string,
  links?: { readonly run: string; readonly experiment: string },
): string {
  const short = run.id.slice(0, 8);
  const what = `${run.kind} ${run.id}${run.trials === undefined ? '' : ` (${run.trials} trials)`}`;
  const next = run.kind === 'run' ? `\`wus runs show ${short}\`, its model: \`wus evaluate ${short}\`` : `\`wus runs show ${short}\`, a trial's model: \`wus evaluate <trial id>\``;
  const mlflow = links === undefined ? '' : `; MLflow: ${links.run} (all runs: ${links.experiment})`;
  return `results: ${what} in ${resolve(storeRoot)}, experiment "${experiment}": ${next}${mlflow}`;
}
