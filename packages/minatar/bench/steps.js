#!/usr/bin/env node
// Env steps per second for each MinAtar game under a uniform random policy, sticky actions on (0.1): one env, and a
// plain loop over 16 envs (how a vectorized collector drives them). One step = step(action) with its fresh
// observation, plus a reset at each episode's end. Where Python with numpy and the reference package (`minatar`,
// importable by python3, e.g. via PYTHONPATH) are present, the reference is timed on the same protocol
// (act(a) then state() each step) on one core, and the speed-up is reported.
//
// `npm run bench -w @prunerl/minatar [-- --seconds S]`  (builds dist first). Writes bench/results/steps.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { argv } from 'node:process';
import { fileURLToPath } from 'node:url';
import { GAMES, make, Xoshiro128 } from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const secondsArg = argv.indexOf('--seconds');
const SECONDS = secondsArg >= 0 ? Number(argv[secondsArg + 1]) : 1;
const REPEATS = 3;
const VECTOR = 16;

/** Steps/s of `envs` stepped round-robin for about `seconds`, the best of REPEATS runs. */
function measure(game, count, seconds) {
  const envs = Array.from({ length: count }, (_, i) => make(game, { seed: i }));
  const policy = new Xoshiro128(12345);
  for (const env of envs) env.reset();
  const run = (budgetMs) => {
    let steps = 0;
    const start = performance.now();
    let now = start;
    while (now - start < budgetMs) {
      for (let k = 0; k < 1000; k++) {
        for (let e = 0; e < count; e++) {
          const env = envs[e];
          if (env.step(policy.integer(0, 6)).terminated) env.reset();
        }
      }
      steps += 1000 * count;
      now = performance.now();
    }
    return steps / ((now - start) / 1000);
  };
  run(200); // warm-up: let the JIT settle
  let best = 0;
  for (let r = 0; r < REPEATS; r++) best = Math.max(best, run((seconds * 1000) / REPEATS));
  return best;
}

const PYTHON_REFERENCE = `
import sys, time
import numpy as np
from minatar import Environment
game, seconds = sys.argv[1], float(sys.argv[2])
env = Environment(game)
env.seed(0)
env.reset()
policy = np.random.RandomState(12345)
def run(budget):
    steps = 0
    start = time.perf_counter()
    while time.perf_counter() - start < budget:
        for _ in range(1000):
            r, terminal = env.act(policy.randint(6))
            env.state()
            if terminal:
                env.reset()
        steps += 1000
    return steps / (time.perf_counter() - start)
run(0.2)
print(max(run(seconds / 3) for _ in range(3)))
`;

/** The reference's steps/s, or null with the reason it could not be run. */
function referenceSpeed(game, seconds) {
  try {
    const out = execFileSync('python3', ['-c', PYTHON_REFERENCE, game, String(seconds)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { stepsPerSecond: Number(out.trim()) };
  } catch (error) {
    const reason = String(error.stderr || error.message).trim().split('\n').pop();
    return { stepsPerSecond: null, reason };
  }
}

const rows = [];
const results = [];
for (const game of GAMES) {
  const single = measure(game, 1, SECONDS);
  const vector = measure(game, VECTOR, SECONDS);
  const reference = referenceSpeed(game, SECONDS);
  const speedup = reference.stepsPerSecond ? single / reference.stepsPerSecond : null;
  results.push({ game, singleEnvStepsPerSecond: Math.round(single), vector16StepsPerSecond: Math.round(vector),
    reference: reference.stepsPerSecond ? { stepsPerSecond: Math.round(reference.stepsPerSecond) } : { stepsPerSecond: null, reason: reference.reason },
    speedupOverReference: speedup === null ? null : Number(speedup.toFixed(2)) });
  rows.push({
    game,
    'steps/s (1 env)': Math.round(single).toLocaleString('en-US'),
    'steps/s (16 envs)': Math.round(vector).toLocaleString('en-US'),
    'reference steps/s': reference.stepsPerSecond ? Math.round(reference.stepsPerSecond).toLocaleString('en-US') : 'n/a',
    'speed-up': speedup === null ? 'n/a' : `${speedup.toFixed(1)}×`,
  });
}

const keys = Object.keys(rows[0]);
const widths = keys.map((k) => Math.max(k.length, ...rows.map((r) => r[k].length)));
const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(line(keys));
for (const row of rows) console.log(line(keys.map((k) => row[k])));
const missing = results.find((r) => r.reference.stepsPerSecond === null);
if (missing) console.log(`reference not run: ${missing.reference.reason}`);

const resultsDir = join(here, 'results');
mkdirSync(resultsDir, { recursive: true });
const path = join(resultsDir, 'steps.json');
const payload = {
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, host: hostname() },
  protocol: { policy: 'uniform random over 6 actions', stickyActionProb: 0.1, secondsPerMeasurement: SECONDS, repeats: REPEATS, vectorEnvs: VECTOR },
  results,
};
writeFileSync(`${path}.tmp-${process.pid}`, JSON.stringify(payload, null, 2) + '\n');
renameSync(`${path}.tmp-${process.pid}`, path);
console.log(`wrote ${path}`);
