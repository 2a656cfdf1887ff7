/**
 * @wus/core/plugin-api — the plugin contract alone: the types a policy, LR schedule, callback,
 * model or dataset plugin is written against, the errors to throw, and the plain helpers
 * (ready-made plans, option parsing, the state contract, seeded randomness).
 *
 * It loads no TensorFlow.js: a plugin that lives outside this repository imports this entry
 * (`import { ConfigError, FULL_UPDATE } from '@wus/core/plugin-api'`), so that loading it into
 * the CLI never brings a second copy of tfjs with it. Types that mention tensors (models,
 * datasets) come from `@tensorflow/tfjs-core`'s declarations, at compile time only.
 */
export * from './errors/index.js';
export * from './checkpoint/stateful.js';
export * from './plan/index.js';
export * from './policy/index.js';
export * from './plugins/options.js';
export * from './plugins/spec-schema.js';
export type * from './plugins/plugin.js';
export type { PluginRegistry } from './plugins/registry.js';
export type * from './events/index.js';
export type * from './callbacks/callback.js';
export type * from './schedule/index.js';
export type * from './data/dataset.js';
export type * from './model/model.js';
export type * from './params/parameter.js';
export type * from './nn/layer.js';
export { depthForCostShare, type LayerInfo, type ModelStructure, type ParameterInfo } from './model/structure.js';
export { PARAMETER_GROUPS } from './params/parameter.js';
export * from './random/index.js';
