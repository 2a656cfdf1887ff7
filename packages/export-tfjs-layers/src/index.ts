/**
 * @wus/export-tfjs-layers — writes a model built from core's `nn` layers as a standard
 * TensorFlow.js Layers model (`model.json` + weights) that plain `@tensorflow/tfjs` loads with
 * `tf.loadLayersModel`.
 */
export { toLayersModel } from './convert/to-layers-model.js';
export { layersPadding, samePads, type LayersPadding } from './convert/padding.js';
export { ExportError } from './errors.js';
export { assertWritableTarget } from './save/model-dir.js';
export { MODEL_JSON, WEIGHTS_FILE, exportTfjsLayers, type ExportOptions, type ExportResult } from './save/export.js';
