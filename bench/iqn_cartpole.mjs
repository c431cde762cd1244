// A pilot learning run of the library-level IQN / M-IQN agent on CartPole-v1 (not yet wired into `prunerl train`):
// the trainer's CartPole defaults (Adam 5e-4, batch 64, replay 50k, 1000 steps before learning, an update every
// step, target copy every 500 steps, ε 1 → 0.02 over 10k steps, γ 0.99) and GMP with ERK over all IQN weight
// layers on the paper's schedule (20%–80% of updates, every 1000 updates). Needs `npm run build:ts` first.
// Usage: node bench/iqn_cartpole.mjs --agent iqn|miqn --sparsity 0|0.9 --steps 30000 --seed 0 --quantiles 64
//        [--out summary.json]
import { writeFileSync, renameSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CartPole } from '../dist/envs/cartpole.js';
import { Random } from '../dist/random/random.js';
import { UniformReplayBuffer } from '../dist/agents/replay/uniform_replay_buffer.js';
import { architecture } from '../dist/nn/architectures.js';
import { IqnAgent } from '../dist/agents/iqn/iqn_agent.js';
import { Pruner } from '../dist/prune/pruner.js';
import { polynomialSchedule } from '../dist/prune/schedule.js';

const { values } = parseArgs({ options: {
  agent: { type: 'string', default: 'iqn' }, sparsity: { type: 'string', default: '0' }, steps: { type: 'string', default: '30000' },
  seed: { type: 'string', default: '0' }, quantiles: { type: 'string', default: '64' }, out: { type: 'string' },
} });
if (!['iqn', 'miqn'].includes(values.agent)) throw new RangeError(`Expected --agent to be iqn or miqn but received ${values.agent}`);
const steps = Number(values.steps), seed = Number(values.seed), sparsity = Number(values.sparsity), N = Number(values.quantiles);
const config = {
  agent: values.agent, env: 'CartPole-v1', steps, seed, sparsity, quantiles: N, targetQuantiles: N, actingQuantiles: 32, kappa: 1,
  lr: 5e-4, batchSize: 64, replayCapacity: 50_000, learningStarts: 1000, targetUpdateSteps: 500, epsilonEnd: 0.02, epsilonDecaySteps: 10_000,
  gamma: 0.99, net: 'mlp', width: 1, distribution: 'erk',
};
const env = new CartPole();
const space = env.observationSpace;
const layers = architecture('mlp', { width: 1, outputs: env.actionSpace.n, inputShape: space.shape });
const agent = new IqnAgent({
  layers, inputShape: space.shape, optimizer: { type: 'adam', lr: config.lr, eps: 1e-8 }, seed,
  quantiles: N, targetQuantiles: N, actingQuantiles: 32, munchausen: values.agent === 'miqn',
});
const replay = new UniformReplayBuffer({ capacity: config.replayCapacity, observationSpace: space, nStep: 1, gamma: config.gamma });
const totalUpdates = steps - config.learningStarts;
const pruner = sparsity > 0 ? new Pruner(agent.online.group, {
  schedule: polynomialSchedule({ finalSparsity: sparsity, initialSparsity: 0, startStep: Math.round(0.2 * totalUpdates), endStep: Math.round(0.8 * totalUpdates), frequency: 1000 }),
  distribution: 'erk',
}) : null;
const rng = new Random(seed);
let obs = env.reset(seed), episodeReturn = 0;
const returns = [];
const start = performance.now();
for (let t = 1; t <= steps; t++) {
  const epsilon = Math.max(config.epsilonEnd, 1 - (1 - config.epsilonEnd) * t / config.epsilonDecaySteps);
  const action = agent.act(obs, epsilon, rng);
  const r = env.step(action);
  replay.add({ obs, action, reward: r.reward, nextObs: r.obs, terminated: r.terminated, truncated: r.truncated });
  episodeReturn += r.reward;
  obs = r.obs;
  if (r.terminated || r.truncated) { returns.push({ step: t, return: episodeReturn }); episodeReturn = 0; obs = env.reset(); }
  if (t > config.learningStarts) {
    agent.update(replay.sample(config.batchSize, rng));
    pruner?.onUpdate(agent.updates);
    if (t % config.targetUpdateSteps === 0) agent.syncTarget();
  }
  if (t % 5000 === 0) {
    const last = returns.slice(-10).map((e) => e.return);
    console.log(`${values.agent} s=${sparsity} seed=${seed} step ${t}: mean of last 10 episodes ${(last.reduce((a, b) => a + b, 0) / Math.max(1, last.length)).toFixed(1)}, sparsity ${agent.online.sparsity().toFixed(3)}, ${((performance.now() - start) / 1000).toFixed(0)} s`);
  }
}
const last10 = returns.slice(-10).map((e) => e.return);
const summary = {
  config, episodes: returns.length, meanReturnLast10Episodes: last10.reduce((a, b) => a + b, 0) / Math.max(1, last10.length),
  finalSparsity: agent.online.sparsity(), seconds: (performance.now() - start) / 1000, returns,
};
if (values.out) { writeFileSync(values.out + '.tmp', JSON.stringify(summary) + '\n'); renameSync(values.out + '.tmp', values.out); }
console.log(JSON.stringify({ ...summary, returns: undefined }));
