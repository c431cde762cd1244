// Where one IQN update's time goes (issue 14: sizing the native IQN ops). Builds the IQN agent `prunerl train`
// builds for CartPole-v1 (buildAgentParts; MLP 256-256, ψ(τ) on 64 cosines), prunes it to its final sparsity with its
// own Pruner, fills a replay buffer with random transitions and times updates at N = N' = 64, batch 32, as
// `prunerl bench train --agent iqn --net mlp` does. Each native Network call of each part (torso, τ-embedding,
// head; online and target) and each native call of the input-gradient rebuild is timed with a wall-clock timer;
// the rest is the TypeScript around them (its functions: run under --cpu-prof and read with profile_summary.mjs).
//   node docs/results/iqn-cartpole-pilot/profile_update.mjs [sparsity] [seconds]
//   node --cpu-prof --cpu-prof-dir=/tmp/iqn-prof docs/results/iqn-cartpole-pilot/profile_update.mjs 0.9 20
import { native } from '../../../dist/native.js';
import { Random } from '../../../dist/random/random.js';
import { resolveConfig } from '../../../dist/train/train_config.js';
import { buildAgentParts } from '../../../dist/train/run_setup.js';

const sparsity = Number(process.argv[2] ?? 0.9);
const seconds = Number(process.argv[3] ?? 20);
const config = resolveConfig({ env: 'CartPole-v1', agent: 'iqn', net: 'mlp', sparsity, batchSize: 32, numTauSamples: 64, numTauPrimeSamples: 64, numQuantileSamples: 32 });
const space = { kind: 'box', shape: [4], dtype: 'float32', low: -4.8, high: 4.8 };
const { agent, replay, pruner } = buildAgentParts(config, space, 2);
pruner?.apply(sparsity);
const rng = new Random(1);
const obs = () => Float32Array.from({ length: 4 }, () => (rng.uniform() * 2 - 1) * 2);
for (let i = 0; i < 2048; i++) replay.add({ obs: obs(), action: rng.integer(0, 2), reward: 1, nextObs: obs(), terminated: rng.uniform() < 0.02, truncated: false });

// Wall-clock per labelled call, summed over the timed updates.
const spent = new Map();
let timing = false;
function timed(label, fn) {
  return (...args) => {
    if (!timing) return fn(...args);
    const t0 = process.hrtime.bigint();
    try { return fn(...args); } finally { spent.set(label, (spent.get(label) ?? 0n) + (process.hrtime.bigint() - t0)); }
  };
}
for (const { name, network } of agent.networks) {
  const part = name.includes('.') ? name : `${name}.torso`;
  for (const method of ['forward', 'backward', 'step', 'activations', 'getWeight']) network[method] = timed(`${part}.${method}`, network[method].bind(network));
}
for (const fn of ['gemm', 'reluBackward']) native[fn] = timed(`native.${fn} (input gradient)`, native[fn].bind(native));

const update = () => agent.update(replay.sample(config.batchSize, rng));
for (let i = 0; i < 5; i++) update();
timing = true;
const t0 = process.hrtime.bigint();
let updates = 0;
while (process.hrtime.bigint() - t0 < BigInt(seconds * 1e9) || updates < 5) { update(); updates++; }
const totalNs = process.hrtime.bigint() - t0;
timing = false;

const ms = (ns) => Number(ns) / 1e6 / updates;
console.log(`IQN CartPole update, N = N' = 64, batch 32, sparsity ${sparsity} (${agent.prunable.params().map((p) => p.representation).join('/')}), ` +
  `${native.threadCount()} threads, ${native.simdLevel()}: ${updates} updates, ${ms(totalNs).toFixed(1)} ms per update (mean)`);
console.log('\n| call | ms per update | share |\n|---|---|---|');
let accounted = 0n;
for (const [label, ns] of [...spent].sort((a, b) => Number(b[1] - a[1]))) {
  accounted += ns;
  console.log(`| ${label} | ${ms(ns).toFixed(2)} | ${(100 * Number(ns) / Number(totalNs)).toFixed(1)}% |`);
}
console.log(`| everything else (TypeScript: cosines, τ-product, quantile Huber, targets, sampling) | ${ms(totalNs - accounted).toFixed(2)} | ${(100 * Number(totalNs - accounted) / Number(totalNs)).toFixed(1)}% |`);
agent.dispose();
