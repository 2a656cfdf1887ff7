import { mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.js';

// One real MLflow server for the CLI's MLflow tests and the browser test (tools/mlflow-server),
// started by the global setup; tests that kill a server start their own.
export default mergeConfig(sharedConfig, {
  test: { globalSetup: ['../../tools/mlflow-server/vitest-global-setup.mjs'] },
});
