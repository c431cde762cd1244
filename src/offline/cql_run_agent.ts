// CQL and CQL+C51 as the trainers drive an agent: a ValueAgent (the same networks, head, acting, target and
// checkpoints as DQN and Rainbow) whose update adds CQL's regulariser (cql_term.ts) to DQN's TD loss or to C51's
// cross-entropy, through the update functions' extra-term hook, so the TD half is the online agents' own code.
import type { ValueAgent } from '../agents/value_agent.js';
import { dqnUpdate, type UpdateResult } from '../agents/dqn_update.js';
import { c51Update } from '../agents/c51_update.js';
import type { ReplayBatch } from '../agents/replay/replay_buffer.js';
import { valueRunAgent, type RunAgent } from '../train/run_agent.js';
import { cqlC51Term, cqlTerm } from './cql_term.js';

export interface CqlOptions {
  /** CQL's coefficient α. */
  alpha: number;
  double: boolean;
  loss: 'huber' | 'mse';
}

/** One CQL gradient step on a batch of dataset transitions (counted as one update of the agent). */
export function cqlUpdate(agent: ValueAgent, batch: ReplayBatch, o: CqlOptions): UpdateResult {
  const head = agent.head;
  const B = batch.batchSize;
  const result = head.kind === 'c51'
    ? c51Update(agent.online, agent.target, head, batch, o.double, (logits) => cqlC51Term(logits, batch.actions, B, head, o.alpha))
    : dqnUpdate(agent.online, agent.target, head, batch, { double: o.double, loss: o.loss, extraTerm: (q) => cqlTerm(q, batch.actions, B, head.actions, o.alpha) });
  agent.setUpdates(agent.updates + 1);
  return result;
}

/** The RunAgent of cql / cql-c51: valueRunAgent's, with CQL's update. */
export function cqlRunAgent(agent: ValueAgent, o: CqlOptions): RunAgent {
  const run = valueRunAgent(agent, o.double);
  run.update = (batch) => cqlUpdate(agent, batch, o);
  return run;
}
