// Scores on different games are on different scales; aggregates are taken over normalised scores.
//   human:     (score − random) / (human − random), per task, from a reference table (Atari's human scores);
//              1 means human level, as in the paper's figures.
//   reference: (score − random) / (reference − random), per task: MinAtar's games against a random policy and
//              Young & Tian's DQN (built in: minatar_references.ts), or any table given with --reference.
//   min-max:   (score − min) / (max − min) over the sweep's own runs. Only on request: its 0 and 1 move whenever a
//              run is added, so two reports cannot be compared (rliable and the paper never do this).
//   behaviour: (score − random) / (behaviour − random), per task, for offline runs: 1 is the return of the policy
//              that collected the dataset (its mean episode return), 0 a uniformly random policy's (random_returns.ts).
//   none:      raw returns.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { SweepResults } from './sweep_results.js';
import type { ScoreSource } from './score.js';
import { MINATAR_REFERENCES } from './minatar_references.js';
import { randomReturnFor } from './random_returns.js';

export const normalizations = ['human', 'reference', 'behaviour', 'minmax', 'none'] as const;
export type NormalizationKind = (typeof normalizations)[number];

const referenceSchema = z.record(z.string(), z.union([
  z.strictObject({ random: z.number(), human: z.number() }),
  z.strictObject({ random: z.number(), reference: z.number(), source: z.string().optional() }),
]));
export type References = z.infer<typeof referenceSchema>;

/** The score that a normalised 1 stands for in a reference entry. */
function topOf(ref: References[string]): number {
  return 'human' in ref ? ref.human : ref.reference;
}

/**
 * The normalisation a report uses when none is asked for: offline runs by their datasets' behaviour returns; else a
 * reference for every task; else raw returns.
 */
export function defaultNormalization(tasks: string[], references: References, offline = false): NormalizationKind {
  if (offline) return 'behaviour';
  if (tasks.every((t) => references[t] && 'human' in references[t])) return 'human';
  if (tasks.every((t) => references[t] || MINATAR_REFERENCES[t])) return 'reference';
  return 'none';
}

export interface Normalizer {
  kind: NormalizationKind;
  /** What a normalised score of 1 means, for axis labels. */
  unit: string;
  apply(task: string, score: number): number;
  /** The per-task constants used, for the report's record. */
  constants: Record<string, { zero: number; one: number }>;
  /** Where each task's constants come from (reference normalisation). */
  sources?: Record<string, string>;
}

export function loadReferences(path: string): References {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`Expected a readable JSON file for --reference but could not read ${path} (${(err as Error).message})`);
  }
  const parsed = referenceSchema.safeParse(value);
  if (!parsed.success) throw new RangeError(`Expected { "<env>": { "random": n, "human": n } } or { "<env>": { "random": n, "reference": n } } for --reference but ${path} is not`);
  return parsed.data;
}

export function makeNormalizer(kind: NormalizationKind, results: SweepResults, score: ScoreSource, references: References = {}): Normalizer {
  const constants: Record<string, { zero: number; one: number }> = {};
  const sources: Record<string, string> = {};
  if (results.datasets && (kind === 'human' || kind === 'reference')) {
    throw new RangeError(`Expected behaviour, minmax or none for --normalize with offline runs (their tasks are datasets, scored against the dataset's behaviour policy) but received ${kind}`);
  }
  if (kind === 'behaviour') {
    if (!results.datasets) throw new RangeError('Expected offline runs for --normalize behaviour (it divides by the dataset\'s behaviour return) but these runs are online; use human, reference, minmax or none');
    for (const task of results.tasks) {
      const dataset = results.datasets[task]!;
      const random = randomReturnFor(dataset.env, references);
      if (!random) throw new RangeError(`Expected a random score for ${dataset.env} in --reference ({ "${dataset.env}": { "random": n, "reference": n } }) for --normalize behaviour but received none (or use --normalize none)`);
      if (dataset.behaviourReturn === random.random) throw new RangeError(`Expected a behaviour return different from the random score for ${task} but both are ${random.random}`);
      constants[task] = { zero: random.random, one: dataset.behaviourReturn };
      sources[task] = `0: random policy (${random.source}); 1: the dataset's mean episode return over ${dataset.episodes} episodes`;
    }
  } else if (kind === 'human' || kind === 'reference') {
    for (const task of results.tasks) {
      const ref = references[task] ?? (kind === 'reference' ? MINATAR_REFERENCES[task] : undefined);
      if (!ref || (kind === 'human' && !('human' in ref))) {
        throw new RangeError(`Expected a ${kind} and random score for ${task} in --reference but received none (or use --normalize none)`);
      }
      const top = topOf(ref);
      if (top === ref.random) throw new RangeError(`Expected different ${kind} and random scores for ${task} in --reference but both are ${top}`);
      constants[task] = { zero: ref.random, one: top };
      sources[task] = references[task] ? 'source' in ref && ref.source ? ref.source : '--reference file' : MINATAR_REFERENCES[task]!.source;
    }
  } else if (kind === 'minmax') {
    for (const task of results.tasks) {
      let min = Infinity, max = -Infinity;
      for (const c of results.configurations) {
        for (const run of c.runs) {
          if (run.task !== task) continue;
          const curve = run.metrics.map((m) => score.at(m)).filter((v): v is number => typeof v === 'number');
          for (const s of [score.final(run), ...curve]) {
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
  const unit = kind === 'human' ? 'human-normalised score'
    : kind === 'reference' ? 'score normalised to random = 0, reference DQN = 1'
      : kind === 'behaviour' ? 'score normalised to random = 0, the dataset\'s behaviour policy = 1'
        : kind === 'minmax' ? 'min-max-normalised score' : 'return';
  return {
    kind,
    unit,
    constants,
    sources: kind === 'human' || kind === 'reference' || kind === 'behaviour' ? sources : undefined,
    apply(task, score) {
      const c = constants[task]!;
      return (score - c.zero) / (c.one - c.zero);
    },
  };
}
