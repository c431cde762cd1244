// IQN and M-IQN in the trainer: the IqnAgent's three networks (torso, τ-embedding, head) pruned as one model, all
// six (online and target) checkpointed with the τ stream, and the greedy policy on the K fixed midpoints
// τ_i = (i + 0.5)/K, folded into one sequential network for policy.prl and the ONNX export (midpoint_policy.ts).
import { native } from '../native.js';
import type { IqnAgent } from '../agents/iqn/iqn_agent.js';
import { foldMidpointPolicy } from '../agents/iqn/midpoint_policy.js';
import type { RandomState } from '../random/random.js';
import { networkFlops, type RunAgent } from './run_agent.js';

/** Quantile samples of the agent (N, N', K) and whether it is M-IQN, for the FLOP count. */
export interface IqnSamples { quantiles: number; targetQuantiles: number; actingQuantiles: number; munchausen: boolean }

export function iqnRunAgent(agent: IqnAgent, samples: IqnSamples): RunAgent {
  const { online, target } = agent;
  const names = ['torso', 'embedding', 'head'];
  const K = samples.actingQuantiles;
  return {
    get updates() { return agent.updates; },
    setUpdates: (n) => agent.setUpdates(n),
    act: (obs, epsilon, rng) => agent.act(obs, epsilon, rng),
    evalAct: (obs, epsilon, rng) => {
      if (epsilon > 0 && rng.uniform() < epsilon) return rng.integer(0, agent.actions);
      return native.argmaxRows(agent.midpointQValues(obs, 1), 1, agent.actions)[0];
    },
    update: (batch) => agent.update(batch),
    syncTarget: () => agent.syncTarget(),
    prunable: online.group,
    // The first pair keeps DQN's names, so a checkpoint's layout reads the same; the other parts follow.
    networks: [
      ...online.parts.map((network, i) => ({ name: i === 0 ? 'online' : `online.${names[i]}`, network, optimizer: true })),
      ...target.parts.map((network, i) => ({ name: i === 0 ? 'target' : `target.${names[i]}`, network, optimizer: false })),
    ],
    probeNetwork: online.torso,
    flopsPerUpdate: (B) => {
      const { quantiles: N, targetQuantiles: M, munchausen } = samples;
      // Online on s: forward and two backward products; target on s' (and on s for M-IQN): forward only.
      const targetPasses = munchausen ? 2 : 1;
      let flops = networkFlops(online.torso, B, 3) + networkFlops(online.torso, B, targetPasses);
      for (const net of [online.embedding, online.head]) flops += networkFlops(net, B * N, 3) + networkFlops(net, B * M, targetPasses);
      return flops;
    },
    policyNetwork: () => ({ network: foldMidpointPolicy(online, K), head: { kind: 'q', actions: agent.actions }, owned: true }),
    state: () => ({ tauRng: agent.rngState() }),
    restoreState: (state) => {
      const s = state as { tauRng?: RandomState } | null;
      if (!s?.tauRng) throw new Error('Expected the IQN τ stream in the checkpoint (agentState.tauRng) but it is missing');
      agent.setRngState(s.tauRng);
    },
    dispose: () => agent.dispose(),
  };
}
