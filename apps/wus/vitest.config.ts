import { mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.js';

// One real MLflow server for the app's tests that log to one (tools/mlflow-server), started by
// the global setup; WUS_MLFLOW_TESTS=skip runs them against the local store only.
export default mergeConfig(sharedConfig, {
  test: { globalSetup: ['../../tools/mlflow-server/vitest-global-setup.mjs'] },
});
