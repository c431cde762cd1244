// What the offline agents bring to a config, and what only a whole config can show about an offline run.
// CQL+C51 follows the paper's offline table (Obando-Ceron et al. 2024, after Kumar et al.'s scaled offline
// Q-learning): C51 with 3-step returns, dueling and double; CQL's coefficient α = 0.1 for both agents.
import type { TrainConfig } from '../train/train_config.js';

export const offlineAgents = ['cql', 'cql-c51'] as const;
export type OfflineAgent = (typeof offlineAgents)[number];

export function isOfflineAgent(agent: string): agent is OfflineAgent {
  return (offlineAgents as readonly string[]).includes(agent);
}

/** Defaults of cql-c51 before the preset, config file and flags (cql keeps the base DQN's). */
export const cqlC51Defaults: Partial<TrainConfig> = { nStep: 3, dueling: true, double: true, atoms: 51, vMin: -10, vMax: 10 };

/**
 * An offline run takes no env steps: `frames` counts gradient steps, one per loop turn from the start, so
 * learningStarts and updateEvery are 0 and 1 unless set.
 */
export const offlineRunDefaults: Partial<TrainConfig> = { learningStarts: 0, updateEvery: 1 };

/** The cross-checks of an offline config, one message each. */
export function offlineProblems(c: TrainConfig): string[] {
  const problems: string[] = [];
  if (isOfflineAgent(c.agent) && c.offline === undefined) problems.push(`agent ${c.agent} trains from a fixed dataset: give --offline DATASET (record one with --save-replay)`);
  if (c.offline !== undefined && !isOfflineAgent(c.agent)) problems.push(`--offline trains agent cql or cql-c51 (agent is ${c.agent})`);
  if (c.offline !== undefined && c.saveReplay !== undefined) problems.push('--save-replay records the env steps of an online run; an --offline run takes none');
  if (c.offline !== undefined && (c.learningStarts !== 0 || c.updateEvery !== 1)) problems.push(`an --offline run makes one gradient step per step of --frames from the start: learningStarts must be 0 and updateEvery 1 (they are ${c.learningStarts} and ${c.updateEvery})`);
  return problems;
}
