// The width comparison on the two games every width ran (Breakout, Space Invaders): IQM of the normalised final
// training returns with 95% stratified-bootstrap CIs, and P(95% > dense), per width — with prunerl's own report
// statistics (dist/report/*, so run `npm run build:ts` first) and normalisation (src/report/minatar_references.ts).
//   node docs/results/minatar-1m/two_games.mjs
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stratifiedBootstrap } from '../../../dist/report/bootstrap.js';
import { probabilityOfImprovement, probabilityOfImprovementInterval } from '../../../dist/report/improvement.js';
import { interquartileMean } from '../../../dist/report/iqm.js';
import { MINATAR_REFERENCES } from '../../../dist/report/minatar_references.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const games = ['minatar/breakout', 'minatar/space_invaders'];
const scores = new Map();  // "width sparsity" -> [game][runs]
for (const folder of ['main', 'x5']) {
  const runs = join(here, folder, 'runs');
  for (const run of readdirSync(runs)) {
    if (!existsSync(join(runs, run, 'summary.json'))) continue;
    const config = JSON.parse(readFileSync(join(runs, run, 'config.json'), 'utf8'));
    const game = games.indexOf(config.env);
    if (game < 0) continue;
    const { random, reference } = MINATAR_REFERENCES[config.env];
    const { finalTrainReturn } = JSON.parse(readFileSync(join(runs, run, 'summary.json'), 'utf8'));
    const key = `${config.width} ${config.sparsity}`;
    if (!scores.has(key)) scores.set(key, games.map(() => []));
    scores.get(key)[game].push((finalTrainReturn - random) / (reference - random));
  }
}
const options = { reps: 10000, seed: 0 };
const f = (x) => x.toFixed(3);
console.log('| width | dense: runs, IQM [95% CI] | 95%: runs, IQM [95% CI] | P(95% > dense) [95% CI] |');
console.log('|---|---|---|---|');
for (const width of [1, 3, 5]) {
  const dense = scores.get(`${width} 0`), pruned = scores.get(`${width} 0.95`);
  const count = (s) => s.reduce((n, g) => n + g.length, 0);
  const iqm = (s) => `${count(s)}, ${f(interquartileMean(s))} [${['lower', 'upper'].map((k) => f(stratifiedBootstrap(s, interquartileMean, options)[k])).join(', ')}]`;
  const p = probabilityOfImprovementInterval(pruned, dense, options);
  console.log(`| ×${width} | ${iqm(dense)} | ${iqm(pruned)} | ${f(probabilityOfImprovement(pruned, dense))} [${f(p.lower)}, ${f(p.upper)}] |`);
}
