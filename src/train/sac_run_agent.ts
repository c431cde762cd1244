// SAC in the trainer: the SacAgent's actor and twin critics pruned as one model (GMP on all three, output layers
// included, as the paper's SAC configs prune them), the two Polyak-averaged target critics, the temperature and
// the noise stream in the checkpoint, and the actor's deterministic mean action as the saved policy.
import type { SacAgent } from '../agents/sac/sac_agent.js';
import type { ContinuousReplayBatch } from '../agents/replay/continuous_replay_buffer.js';
import { NetworkGroup } from '../nn/network_group.js';
import type { Random } from '../random/random.js';
import { networkFlops, type RunAgent } from './run_agent.js';

export function sacRunAgent(agent: SacAgent, bounds: { low: Float32Array; high: Float32Array }): RunAgent {
  const [critic0, critic1] = agent.critics;
  const prunable = new NetworkGroup([agent.actor, critic0, critic1]);
  const D = agent.actionSize;
  return {
    get updates() { return agent.updates; },
    setUpdates: () => {}, // restored with the rest of the agent's state (restoreState)
    act: (obs) => agent.act(obs, false),
    evalAct: (obs) => agent.act(obs, true),
    // Before learning starts: uniform in the action box, as CleanRL's env.action_space.sample().
    randomAction: (rng: Random) => Float32Array.from({ length: D }, (_, d) => bounds.low[d] + (bounds.high[d] - bounds.low[d]) * rng.uniform()),
    update: (batch) => {
      const { criticLoss } = agent.update(batch, (batch as ContinuousReplayBatch).continuousActions);
      return { loss: criticLoss, tdErrors: new Float32Array(0) };
    },
    syncTarget: () => {}, // the targets follow the critics by Polyak averaging inside every update
    prunable: { params: () => prunable.params(), getWeight: (i) => prunable.getWeight(i), pruneLayers: (s) => prunable.pruneLayers(s), pruneGlobal: (s, l) => prunable.pruneGlobal(s, l), sparsity: () => prunable.sparsity() },
    networks: [
      { name: 'actor', network: agent.actor, optimizer: true },
      { name: 'critic0', network: critic0, optimizer: true },
      { name: 'critic1', network: critic1, optimizer: true },
      { name: 'target0', network: agent.targets[0], optimizer: false },
      { name: 'target1', network: agent.targets[1], optimizer: false },
    ],
    probeNetwork: agent.actor,
    flopsPerUpdate: (B) =>
      // Actor: on s' and on s, backward (dX, dW). Each critic: forward, backward on (s, a); forward twice and an
      // input gradient on (s, ã). Each target critic: forward on (s', a').
      networkFlops(agent.actor, B, 4) + 2 * networkFlops(critic0, B, 6) + 2 * networkFlops(agent.targets[0], B, 1),
    policyNetwork: () => ({
      network: agent.actor, owned: false,
      head: { kind: 'tanh-gaussian', actions: D, low: Array.from(bounds.low), high: Array.from(bounds.high) },
    }),
    state: () => agent.state(),
    restoreState: (state) => agent.restoreState(state as ReturnType<SacAgent['state']>),
    dispose: () => agent.dispose(),
  };
}
