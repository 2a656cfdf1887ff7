#!/usr/bin/env node
/**
 * Writes the Fashion-MNIST subset bundled with @wus/datasets: 600 training and 100 test images
 * per class, picked by a fixed seed from the Debian package's files, as gzip IDX files with the
 * standard names, plus LICENSE-DATA.md. Plain Node, no build step, so it runs on a bare checkout.
 *
 *   npm run make -w @wus/tool-make-fmnist-subset [-- --source DIR --out DIR]
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');

const SEED = 20170825; // Fashion-MNIST's release date; any fixed value would do.
const NUM_CLASSES = 10;
const PER_CLASS = { train: 600, t10k: 100 };
const DEBIAN_DIR = '/usr/share/datasets/fashion-mnist';
const COPYRIGHT_FILE = '/usr/share/doc/dataset-fashion-mnist/copyright';

const args = parseArgs(process.argv.slice(2));
const sourceDir = resolve(args.source ?? DEBIAN_DIR);
const outDir = resolve(args.out ?? join(repoRoot, 'packages/datasets/data/fashion-mnist-subset'));

mkdirSync(outDir, { recursive: true });
const written = [];
const sourceHashes = [];
for (const [prefix, perClass] of Object.entries(PER_CLASS)) {
  const imagesName = `${prefix}-images-idx3-ubyte.gz`;
  const labelsName = `${prefix}-labels-idx1-ubyte.gz`;
  const imagesGz = readFileSync(join(sourceDir, imagesName));
  const labelsGz = readFileSync(join(sourceDir, labelsName));
  sourceHashes.push([imagesName, sha256(imagesGz)], [labelsName, sha256(labelsGz)]);
  const images = parseIdx(gunzipSync(imagesGz), 3, imagesName);
  const labels = parseIdx(gunzipSync(labelsGz), 1, labelsName);
  const [count, rows, cols] = images.shape;
  if (labels.shape[0] !== count) throw new Error(`${labelsName}: ${labels.shape[0]} labels for ${count} images`);

  const picked = pickBalanced(labels.data, perClass, SEED + (prefix === 'train' ? 0 : 1));
  const size = rows * cols;
  const subImages = new Uint8Array(picked.length * size);
  const subLabels = new Uint8Array(picked.length);
  picked.forEach((i, k) => {
    subImages.set(images.data.subarray(i * size, (i + 1) * size), k * size);
    subLabels[k] = labels.data[i];
  });
  written.push(writeGzIdx(join(outDir, imagesName), [picked.length, rows, cols], subImages));
  written.push(writeGzIdx(join(outDir, labelsName), [picked.length], subLabels));
  console.log(`${prefix}: ${picked.length} of ${count} images (${perClass} per class)`);
}

writeFileSync(join(outDir, 'LICENSE-DATA.md'), licenceText(sourceHashes));
for (const [file, bytes] of written) console.log(`wrote ${relative(repoRoot, file)} (${bytes} bytes)`);
console.log(`wrote ${relative(repoRoot, join(outDir, 'LICENSE-DATA.md'))}`);

/**
 * `perClass` indices of every class, chosen by a seeded shuffle and returned ascending, so the
 * subset keeps the original (already class-mixed) order.
 */
function pickBalanced(labels, perClass, seed) {
  const order = permutation(labels.length, seed);
  const taken = new Array(NUM_CLASSES).fill(0);
  const picked = [];
  for (const i of order) {
    const c = labels[i];
    if (c >= NUM_CLASSES) throw new Error(`label ${c} at index ${i} is out of range`);
    if (taken[c] < perClass) {
      taken[c]++;
      picked.push(i);
    }
  }
  taken.forEach((n, c) => {
    if (n < perClass) throw new Error(`class ${c} has only ${n} samples, ${perClass} wanted`);
  });
  return picked.sort((a, b) => a - b);
}

/** Fisher–Yates with mulberry32, the same generator as @wus/core's `permutation`. */
function permutation(n, seed) {
  let a = seed >>> 0;
  const rng = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx;
}

function parseIdx(bytes, dims, name) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (magic !== (0x0800 | dims)) throw new Error(`${name}: bad magic number 0x${magic.toString(16)}`);
  const shape = Array.from({ length: dims }, (_, d) => view.getUint32(4 + 4 * d));
  const header = 4 + 4 * dims;
  const declared = shape.reduce((a, b) => a * b, 1);
  if (bytes.length - header !== declared) throw new Error(`${name}: header declares ${declared} bytes, file holds ${bytes.length - header}`);
  return { shape, data: bytes.subarray(header) };
}

function writeGzIdx(file, shape, data) {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header.writeUInt32BE(0x0800 | shape.length, 0);
  shape.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  // Node writes a zero mtime in the gzip header, so equal input gives byte-identical files.
  const gz = gzipSync(Buffer.concat([header, data]), { level: 9 });
  writeFileSync(file, gz);
  return [file, gz.length];
}

function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The Expat text of the Debian copyright file, so the notice shipped is the one upstream granted. */
function expatLicence() {
  const text = readFileSync(COPYRIGHT_FILE, 'utf8');
  const start = text.indexOf('License: Expat\n ');
  if (start === -1) throw new Error(`${COPYRIGHT_FILE}: no "License: Expat" paragraph`);
  const lines = [];
  for (const line of text.slice(start).split('\n').slice(1)) {
    if (!line.startsWith(' ')) break;
    lines.push(line.trim() === '.' ? '' : line.slice(1).trimEnd());
  }
  return lines.join('\n');
}

function licenceText(hashes) {
  return `# Fashion-MNIST subset — data licence

The files in this directory are a subset of **Fashion-MNIST**, Copyright © 2017 Zalando SE
(https://github.com/zalandoresearch/fashion-mnist), distributed under the MIT licence (Expat)
reproduced below.

## What this subset is

- \`train-images-idx3-ubyte.gz\`, \`train-labels-idx1-ubyte.gz\`: ${PER_CLASS.train * NUM_CLASSES} training images,
  ${PER_CLASS.train} per class, from the 60 000 of the original training set.
- \`t10k-images-idx3-ubyte.gz\`, \`t10k-labels-idx1-ubyte.gz\`: ${PER_CLASS.t10k * NUM_CLASSES} test images,
  ${PER_CLASS.t10k} per class, from the 10 000 of the original test set.

Images were chosen per class by a seeded shuffle (seed ${SEED}) and kept in their original
order. Pixels and labels are unchanged; the files use the original IDX format, gzip-compressed.

Made by \`tools/make-fmnist-subset\` from the Debian package \`dataset-fashion-mnist\`:

| source file | SHA-256 |
| --- | --- |
${hashes.map(([name, hash]) => `| ${name} | \`${hash}\` |`).join('\n')}

## Regenerating

\`\`\`sh
sudo apt install dataset-fashion-mnist        # installs ${DEBIAN_DIR}
npm run make -w @wus/tool-make-fmnist-subset  # rewrites this directory
\`\`\`

The selection is deterministic: the same source files give the same subset.

## Licence (MIT / Expat)

Copyright (c) 2017 Zalando SE

${expatLicence()}
`;
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(source|out)$/.exec(argv[i]);
    if (!m || argv[i + 1] === undefined) throw new Error(`usage: make-subset.mjs [--source DIR] [--out DIR]`);
    out[m[1]] = argv[++i];
  }
  return out;
}
