// The mean return of a uniformly random policy, per env: the 0 of the offline normalisation (random = 0, the
// dataset's behaviour policy = 1). MinAtar's come with its references (minatar_references.ts); the classic-control
// ones were measured on prunerl's own envs: 10,000 episodes of uniform random actions, episode seeds and actions
// from Random(0) (test/report/random_returns.test.ts measures them again with another seed). A --reference file's
// `random` for an env takes precedence over both.
import { MINATAR_REFERENCES } from './minatar_references.js';
import type { References } from './normalize.js';

const measured = 'measured on prunerl\'s env: 10,000 episodes of uniform random actions (standard error 0.12)';

export const CLASSIC_RANDOM_RETURNS: Record<string, { random: number; source: string }> = {
  'CartPole-v1': { random: 22.34, source: measured },
  'Acrobot-v1': { random: -498.8, source: measured },
};

/** The random policy's return on env and where it comes from, or null when none is known. */
export function randomReturnFor(env: string, references: References): { random: number; source: string } | null {
  const fromFile = references[env];
  if (fromFile) return { random: fromFile.random, source: '--reference file' };
  const minatar = MINATAR_REFERENCES[env];
  if (minatar) return { random: minatar.random, source: minatar.source };
  return CLASSIC_RANDOM_RETURNS[env] ?? null;
}
