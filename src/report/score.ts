// Which return a report aggregates. Dopamine (and so the paper) reports the mean return of the training episodes
// of each iteration; prunerl's summary.json records the same over the run's last 10% of frames
// (finalTrainReturn), beside the greedy evaluation (finalEvalReturn). Curves use the matching metrics column.
import type { MetricsRow, RunRecord } from './sweep_results.js';

export const scoreKinds = ['train', 'eval'] as const;
export type ScoreKind = (typeof scoreKinds)[number];

export interface ScoreSource {
  kind: ScoreKind;
  /** For captions: "training return (last 10% of frames)". */
  label: string;
  /** The run's final score. */
  final(run: RunRecord): number;
  /** The score of one metrics row, or null where the row has none (no training episode ended in it). */
  at(row: MetricsRow): number | null;
}

export function scoreSource(kind: ScoreKind): ScoreSource {
  if (kind === 'eval') {
    return { kind, label: 'greedy evaluation return', final: (run) => run.summary!.finalEvalReturn, at: (row) => row.evalReturn };
  }
  return {
    kind,
    label: 'training return (episodes ending in the last 10% of frames)',
    final(run) {
      const value = run.summary!.finalTrainReturn;
      if (typeof value !== 'number') {
        throw new RangeError(`Expected finalTrainReturn in ${run.id}/summary.json (written by prunerl since the paper-fidelity change) but it has none; use --score eval`);
      }
      return value;
    },
    at: (row) => (typeof row.trainReturn === 'number' ? row.trainReturn : null),
  };
}
