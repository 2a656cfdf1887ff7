import { mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.js';

// One real MLflow server for the app's tests that log to one and the browser test
// (tools/mlflow-server), started by the global setup; WUS_MLFLOW_TESTS=skip runs them against the
// local store only; tests that kill a server start their own.
export default mergeConfig(sharedConfig, {
  test: { globalSetup: ['../../tools/mlflow-server/vitest-global-setup.mjs'] },
});
