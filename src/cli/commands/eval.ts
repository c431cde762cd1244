// `prunerl eval <run-dir>`: greedy episodes of a trained policy; prints the mean return and its standard error.
import type { Command } from 'commander';
import { loadPolicy } from '../../train/policy_file.js';
import { evaluatePolicy } from '../../train/evaluate_policy.js';

function integer(value: string, name: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new RangeError(`Expected an integer ≥ ${min} for --${name} but received '${value}'`);
  return n;
}

export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description('run greedy episodes of a trained policy (a run directory or a policy.prl file)')
    .argument('<run>', 'run directory written by prunerl train, or its policy.prl')
    .option('--episodes <n>', 'episodes to run', '10')
    .option('--seed <n>', 'seed of the episodes', '0')
    .option('--epsilon <e>', 'probability of a random action', '0')
    .option('--env <id>', 'another registered env with the same spaces (default: the one it was trained on)')
    .action(async (run: string, flags: { episodes: string; seed: string; epsilon: string; env?: string }) => {
      const epsilon = Number(flags.epsilon);
      if (!(epsilon >= 0 && epsilon <= 1)) throw new RangeError(`Expected a number in [0, 1] for --epsilon but received '${flags.epsilon}'`);
      const policy = loadPolicy(run);
      const result = await evaluatePolicy(policy, {
        env: flags.env, episodes: integer(flags.episodes, 'episodes', 1), seed: integer(flags.seed, 'seed', 0), epsilon,
      });
      const sparsity = policy.network.sparsity();
      console.log(`${policy.meta.agent} on ${flags.env ?? policy.meta.env} (net ${policy.meta.net} ×${policy.meta.width}, sparsity ${sparsity.toFixed(3)}): ` +
        `mean return ${result.mean.toFixed(2)} ± ${result.stderr.toFixed(2)} (s.e.) over ${result.returns.length} episodes`);
      policy.network.dispose();
    });
}
