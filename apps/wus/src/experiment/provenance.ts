import { userInfo } from 'node:os';
import { join } from 'node:path';
import { MLFLOW_TAGS } from '@wus/tracking';
import { CODE_DIR, gitCommit } from './git.js';

/** The CLI's entry file (dist/main.js; src/main.ts when run from source by the tests). */
export const CLI_ENTRY = join(CODE_DIR, '..', import.meta.url.endsWith('.ts') ? 'main.ts' : 'main.js');

function user(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env['USER'] ?? 'unknown';
  }
}

/**
 * MLflow's standard provenance tags, as its Python client sets them for a local script: who ran
 * it (`mlflow.user`), what ran (`mlflow.source.name`: the CLI's entry file, type `LOCAL`) and
 * which code (`mlflow.source.git.commit` of the repository the CLI's files are in, when there
 * is one). MLflow's UI shows them as "Created by", "Source" and "Version".
 */
export function provenanceTags(): Record<string, string> {
  const commit = gitCommit();
  return {
    [MLFLOW_TAGS.user]: user(),
    [MLFLOW_TAGS.source]: CLI_ENTRY,
    [MLFLOW_TAGS.sourceType]: 'LOCAL',
    ...(commit === undefined ? {} : { [MLFLOW_TAGS.gitCommit]: commit }),
  };
}
