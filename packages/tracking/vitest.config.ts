import { mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.js';

// One real MLflow server for the whole run (tools/mlflow-server), started by the global setup.
// Files run one after another: the fault test kills and restarts that server.
export default mergeConfig(sharedConfig, {
  test: { globalSetup: ['../../tools/mlflow-server/vitest-global-setup.mjs'], fileParallelism: false },
});
