// Mean ± std per model and trial over the `wus compare --json` files given (one per seed).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const groups = new Map();
for (const file of process.argv.slice(2)) {
  const model = basename(file).replace(/-seed.*$/, '');
  const { rows } = JSON.parse(readFileSync(file, 'utf8'));
  for (const r of rows) {
    const key = `${model} | ${r.trial}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(r);
  }
}
const stat = (xs) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const s = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1));
  return `${m.toFixed(2)} ± ${s.toFixed(2)}`;
};
console.log('| model | trial | seeds | train time s | time saved % | compute saved % | test acc % | Δ acc pp | time to acc s |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const [key, rows] of groups) {
  const [model, trial] = key.split(' | ');
  const tta = rows.map((r) => r.timeToAccuracyS);
  console.log(
    `| ${model} | ${trial} | ${rows.length} | ${stat(rows.map((r) => r.trainTimeS))} | ${stat(rows.map((r) => r.timeSavedPct))} | ${stat(rows.map((r) => r.computeSavedPct))} | ` +
      `${stat(rows.map((r) => 100 * r.testAccuracy))} | ${stat(rows.map((r) => r.deltaAccuracyPp))} | ${tta.some((t) => t == null) ? `never in ${tta.filter((t) => t == null).length}` : stat(tta)} |`,
  );
}
