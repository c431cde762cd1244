// Scores on different games are on different scales; aggregates are taken over normalised scores.
//   human:   (score − random) / (human − random), per task, from a reference table (Atari's human scores);
//            1 means human level, as in the paper's figures.
//   min-max: (score − min) / (max − min), per task, with min and max over every evaluation return of every
//            finished run in the sweep (MinAtar has no human scores); 0 and 1 are the sweep's worst and best.
//   none:    raw returns.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { SweepResults } from './sweep_results.js';

export const normalizations = ['human', 'minmax', 'none'] as const;
export type NormalizationKind = (typeof normalizations)[number];

const referenceSchema = z.record(z.string(), z.strictObject({ random: z.number(), human: z.number() }));
export type References = z.infer<typeof referenceSchema>;

export interface Normalizer {
  kind: NormalizationKind;
  /** What a normalised score of 1 means, for axis labels. */
  unit: string;
  apply(task: string, score: number): number;
  /** The per-task constants used, for the report's record. */
  constants: Record<string, { zero: number; one: number }>;
}

export function loadReferences(path: string): References {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`Expected a readable JSON file for --reference but could not read ${path} (${(err as Error).message})`);
  }
  const parsed = referenceSchema.safeParse(value);
  if (!parsed.success) throw new RangeError(`Expected { "<env>": { "random": n, "human": n } } for --reference but ${path} is not`);
  return parsed.data;
}

export function makeNormalizer(kind: NormalizationKind, results: SweepResults, references: References = {}): Normalizer {
  const constants: Record<string, { zero: number; one: number }> = {};
  if (kind === 'human') {
    for (const task of results.tasks) {
      const ref = references[task];
      if (!ref) throw new RangeError(`Expected a human and random score for ${task} in --reference but received none (or use --normalize minmax)`);
      if (ref.human === ref.random) throw new RangeError(`Expected different human and random scores for ${task} in --reference but both are ${ref.human}`);
      constants[task] = { zero: ref.random, one: ref.human };
    }
  } else if (kind === 'minmax') {
    for (const task of results.tasks) {
      let min = Infinity, max = -Infinity;
      for (const c of results.configurations) {
        for (const run of c.runs) {
          if (run.task !== task) continue;
          for (const s of [run.summary!.finalEvalReturn, ...run.metrics.map((m) => m.evalReturn)]) {
            min = Math.min(min, s);
            max = Math.max(max, s);
          }
        }
      }
      // Every run scored the same: nothing to tell apart; map it to 0 rather than divide by zero.
      constants[task] = { zero: min, one: max > min ? max : min + 1 };
    }
  } else {
    for (const task of results.tasks) constants[task] = { zero: 0, one: 1 };
  }
  const unit = kind === 'human' ? 'human-normalised score' : kind === 'minmax' ? 'min-max-normalised score' : 'return';
  return {
    kind,
    unit,
    constants,
    apply(task, score) {
      const c = constants[task]!;
      return (score - c.zero) / (c.one - c.zero);
    },
  };
}
