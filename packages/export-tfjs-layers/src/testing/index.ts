/** Test support: load an export in plain tfjs, in a process of its own, and compare predictions. */
export { agreement, predictWithPlainTfjs, type Agreement, type PlainTfjsPrediction } from './plain-tfjs.js';
export { perturbForExport } from './perturb.js';
