// Loads an exported model the way a consumer would — plain @tensorflow/tfjs on its stock cpu
// backend, `tf.loadLayersModel` over HTTP from a tiny node:http server, no wus code — and writes
// its predictions. Run by src/testing/plain-tfjs.ts in a process of its own, so nothing of ours
// (kernels, layers) is loaded.
// Usage: node predict.mjs <model dir> <inputs: raw float32> <shape as JSON> <logits out: raw float32>
// Prints {"shape": [n, classes], "metadata": …} on stdout.
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

const [dir, inputsFile, shapeJson, outFile] = process.argv.slice(2);
const server = createServer((req, res) => {
  const name = decodeURIComponent(new URL(req.url, 'http://x').pathname.slice(1));
  if (name.includes('/') || name.startsWith('.')) return void res.writeHead(403).end();
  readFile(join(dir, name)).then(
    (data) => res.writeHead(200).end(data),
    () => res.writeHead(404).end(),
  );
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
try {
  await tf.setBackend('cpu');
  const model = await tf.loadLayersModel(`http://127.0.0.1:${server.address().port}/model.json`);
  const raw = await readFile(inputsFile);
  const x = tf.tensor(new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4), JSON.parse(shapeJson));
  const y = model.predict(x, { batchSize: 64 });
  await writeFile(outFile, new Uint8Array((await y.data()).buffer));
  process.stdout.write(JSON.stringify({ shape: y.shape, metadata: model.getUserDefinedMetadata() ?? null }));
} finally {
  server.close();
}
