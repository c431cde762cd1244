// Reference scores for normalising MinAtar returns (rliable-style: 0 = a uniformly random policy, 1 = Young & Tian's
// DQN), so that a report never normalises by its own sweep's min and max.
//   random: the mean return of a uniformly random policy with sticky actions 0.1, measured on the MinAtar
//           reference implementation (kenjyoung/MinAtar) — see the note where each number comes from.
//   reference: DQN's final return in Young & Tian 2019 (5M frames), with the source of each number.
export interface ReferenceScore {
  random: number;
  reference: number;
  /** Where the numbers come from. */
  source: string;
}

export const MINATAR_REFERENCES: Record<string, ReferenceScore> = {};
