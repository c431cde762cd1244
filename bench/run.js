#!/usr/bin/env node
// Benchmark entry: `npm run bench -- <suite> [--json]`. Each suite is bench/<suite>.js exporting run(options),
// which prints a table and writes bench/results/<suite>-<host>.json.
import { argv, exit } from 'node:process';
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const suites = readdirSync(here)
  .filter((f) => f.endsWith('.js') && f !== 'run.js' && !f.startsWith('_'))
  .map((f) => f.slice(0, -3));
const [suite, ...rest] = argv.slice(2);
if (!suite || !suites.includes(suite)) {
  console.error(`Expected a suite for npm run bench -- <suite> but received ${suite ?? 'nothing'}; suites: ${suites.join(', ')}`);
  exit(2);
}
const mod = await import(`./${suite}.js`);
await mod.run({ json: rest.includes('--json'), args: rest });
