// `prunerl bench train --agent iqn|miqn|sac` (src/bench/agent_update_bench.ts): its flags and its output, in the
// format of the dqn/rainbow bench that bench.ts runs. SAC's networks are MLPs on Pendulum-v1, so --net defaults to
// mlp for it; these agents have one update (TypeScript over native ops), so --learner can only be reference.
import type { Command } from 'commander';
import { architectureNames, type ArchitectureName } from '../../nn/architectures.js';
import { agentBenchAgents, benchAgentUpdate, type AgentBenchAgent } from '../../bench/agent_update_bench.js';
import { integerFlag } from './cli_numbers.js';

/** Every agent `prunerl bench train` times: dqn and rainbow in bench.ts, the others here. */
export const benchTrainAgents = ['dqn', 'rainbow', ...agentBenchAgents] as const;

interface Flags { net: string; width: string; sparsity: string; agent: string; device: string; seconds: string; learner?: string; json?: boolean }

function choice<T extends string>(value: string, flag: string, allowed: readonly T[]): T {
  if (allowed.includes(value as T)) return value as T;
  throw new RangeError(`Expected one of ${allowed.join(', ')} for ${flag} but received '${value}'`);
}

/**
 * Runs the bench and prints it when --agent is iqn, miqn or sac (then true); false leaves dqn and rainbow to
 * bench.ts. An agent outside benchTrainAgents is refused here, listing them all.
 */
export async function benchAgentFromFlags(flags: Flags, command: Command): Promise<boolean> {
  const agent = choice(flags.agent, '--agent', benchTrainAgents);
  if (agent === 'dqn' || agent === 'rainbow') return false;
  const given = (name: string) => command.getOptionValueSource(name) === 'cli';
  if (flags.learner !== undefined && given('learner') && flags.learner !== 'reference') {
    throw new RangeError(`Expected --learner reference for --agent ${agent} (its update is TypeScript over native ops; no fused native learner yet) but received '${flags.learner}'`);
  }
  const net = agent === 'sac' && !given('net') ? 'mlp' : choice<ArchitectureName>(flags.net, '--net', architectureNames);
  if (agent === 'sac' && net !== 'mlp') throw new RangeError(`Expected --net mlp for --agent sac (its actor and critics are MLPs) but received '${net}'`);
  const sparsity = Number(flags.sparsity);
  if (flags.sparsity.trim() === '' || !(sparsity >= 0 && sparsity < 1)) throw new RangeError(`Expected a number in [0, 1) for --sparsity but received '${flags.sparsity}'`);
  const r = await benchAgentUpdate({
    agent: agent as AgentBenchAgent, net, sparsity,
    width: integerFlag(flags.width, '--width', 1, 16)!,
    device: choice(flags.device, '--device', ['cpu', 'cuda'] as const),
    seconds: integerFlag(flags.seconds, '--seconds', 1, 600)!,
    warn: (message) => console.error(message),
  });
  if (flags.json) {
    console.log(JSON.stringify(r));
    return true;
  }
  console.log(`${r.agent} ${r.net} ×${r.width} at sparsity ${r.sparsity} (${r.observation}-shaped batches of ${r.batchSize}, ${r.deviceUsed}, ${r.threads} threads): ` +
    `${r.updatesPerSecond.toFixed(1)} updates/s, median ${r.medianUpdateMicroseconds.toFixed(0)} µs (${r.learner} learner: TypeScript over native ops); ` +
    `${r.keptWeights} of ${r.totalWeights} weights kept (${r.representations.join('/')}); load average ${r.loadAverage.before.toFixed(2)}`);
  return true;
}
