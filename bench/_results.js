// Shared by the bench suites: where results go and how a table is printed.
import { mkdirSync, writeFileSync, renameSync } from 'node:fs';
import { cpus, hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results');

export function machine() {
  return { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, host: hostname() };
}

/** Writes bench/results/<name>.json atomically and returns its path. */
export function writeResults(name, payload) {
  mkdirSync(resultsDir, { recursive: true });
  const path = join(resultsDir, `${name}.json`);
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify({ date: new Date().toISOString(), machine: machine(), ...payload }, null, 2) + '\n');
  renameSync(tmp, path);
  return path;
}

/** Prints rows (objects with the same keys) as an aligned text table. */
export function printTable(rows) {
  if (rows.length === 0) return;
  const keys = Object.keys(rows[0]);
  const cells = rows.map((r) => keys.map((k) => String(r[k])));
  const widths = keys.map((k, i) => Math.max(k.length, ...cells.map((c) => c[i].length)));
  const line = (vals) => vals.map((v, i) => v.padStart(widths[i])).join('  ');
  console.log(line(keys));
  for (const c of cells) console.log(line(c));
}
