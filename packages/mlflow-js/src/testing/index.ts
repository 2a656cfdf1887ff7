/** Test support for packages that test against the real MLflow server of tools/mlflow-server. */
export * from './server.js';
