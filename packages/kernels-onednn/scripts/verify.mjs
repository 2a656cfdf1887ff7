// Loads the freshly built addon and runs one small convolution against a direct sum: what
// setup-onednn.sh checks before it says done. Usage: node verify.mjs path/to/wus_onednn.node
import { createRequire } from 'node:module';

const addon = createRequire(import.meta.url)(process.argv[2]);
const { version, isa, threads } = addon.info();
// x: 1×3×3×1 = 1..9, filter 2×2×1×1 = 1, 'valid', stride 1: each output sums a 2×2 window.
const words = Int32Array.from([1, 3, 3, 1, 2, 2, 1, 2, 2, 1, 1, 1, 1, 0, 0]);
const y = new Float32Array(4);
addon.conv2d(words, Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), new Float32Array(4).fill(1), y);
const want = [12, 16, 24, 28];
if (y.some((v, i) => v !== want[i])) {
  console.error(`setup-onednn: error: the addon computed [${y}] for a 2×2 sum, expected [${want}]`);
  process.exit(1);
}
console.log(`setup-onednn: oneDNN ${version} loads and convolves (ISA ${isa}, ${threads} OpenMP threads)`);
