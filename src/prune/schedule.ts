// When to prune and how much: a schedule maps a training-update count to a target sparsity (as JaxPruner's
// sparsity_schedules do). The pruner calls sparsityAt(t) on the steps where isPruningStep(t) is true.
import { expectInteger, rangeError, typeError } from '../validate.js';

/** A map from update count to target sparsity, and the updates on which the masks are recomputed. */
export interface SparsitySchedule {
  /** The target sparsity after `step` training updates, in [0, 1). */
  sparsityAt(step: number): number;
  /** Whether the pruner should recompute the masks at `step`. */
  isPruningStep(step: number): boolean;
  /** The sparsity the schedule ends at. */
  readonly finalSparsity: number;
}

/** Options of Zhu & Gupta's polynomial schedule. */
export interface PolynomialScheduleOptions {
  /** s_f, the sparsity reached at endStep and kept afterwards; in [0, 1). */
  finalSparsity: number;
  /** s_i, the sparsity before startStep; in [0, finalSparsity]. Default 0 (the paper's choice). */
  initialSparsity?: number;
  /** t_start, the first update at which pruning happens (an integer ≥ 0). */
  startStep: number;
  /** t_end, the update at which finalSparsity is reached (an integer > startStep). */
  endStep: number;
  /** Updates between mask recomputations (an integer ≥ 1). Default 1000. */
  frequency?: number;
}

/** The polynomial schedule as a value: its resolved options and the SparsitySchedule methods. */
export interface PolynomialSchedule extends SparsitySchedule, Readonly<Required<PolynomialScheduleOptions>> {
  readonly kind: 'polynomial';
}

/** Options of the one-shot schedule. */
export interface ConstantScheduleOptions {
  /** The sparsity applied at `step` and kept afterwards; in [0, 1). */
  sparsity: number;
  /** The update at which the network is pruned once (an integer ≥ 0). Default 0. */
  step?: number;
}

/** The one-shot schedule as a value. */
export interface ConstantSchedule extends SparsitySchedule, Readonly<Required<ConstantScheduleOptions>> {
  readonly kind: 'constant';
}

function expectSparsity(value: unknown, name: string): number {
  if (typeof value !== 'number') throw typeError('a number in [0, 1)', name, value);
  if (!(value >= 0 && value < 1)) throw rangeError('a number in [0, 1)', name, value);
  return value;
}

function expectStep(step: unknown): number {
  return expectInteger(step, 'step', 0);
}

/**
 * Zhu & Gupta (2017), Eq. 1, the schedule of gradual magnitude pruning:
 *   s(t) = s_f + (s_i − s_f)·(1 − (t − t_start)/(t_end − t_start))³  for t_start ≤ t ≤ t_end,
 * s_i before t_start and s_f after t_end. Masks are recomputed every `frequency` updates from t_start, and at t_end.
 * (JaxPruner's PolynomialSchedule evaluates at t + 1 and counts frequency from update 0; we follow the paper.)
 */
export function polynomialSchedule(options: PolynomialScheduleOptions): PolynomialSchedule {
  if (typeof options !== 'object' || options === null) throw typeError('an options object', 'options', options);
  const finalSparsity = expectSparsity(options.finalSparsity, 'finalSparsity');
  const initialSparsity = expectSparsity(options.initialSparsity ?? 0, 'initialSparsity');
  if (initialSparsity > finalSparsity) {
    throw rangeError(`a number in [0, finalSparsity = ${finalSparsity}] (pruned weights never regrow)`, 'initialSparsity', initialSparsity);
  }
  const startStep = expectInteger(options.startStep, 'startStep', 0);
  const endStep = expectInteger(options.endStep, 'endStep', 0);
  if (endStep <= startStep) throw rangeError(`an integer > startStep = ${startStep}`, 'endStep', endStep);
  const frequency = expectInteger(options.frequency ?? 1000, 'frequency', 1);
  const span = endStep - startStep;

  return Object.freeze({
    kind: 'polynomial' as const,
    finalSparsity,
    initialSparsity,
    startStep,
    endStep,
    frequency,
    sparsityAt(step: number): number {
      expectStep(step);
      if (step <= startStep) return initialSparsity;
      if (step >= endStep) return finalSparsity;
      const remaining = 1 - (step - startStep) / span;
      return finalSparsity + (initialSparsity - finalSparsity) * remaining ** 3;
    },
    isPruningStep(step: number): boolean {
      expectStep(step);
      if (step < startStep || step > endStep) return false;
      return (step - startStep) % frequency === 0 || step === endStep;
    },
  });
}

/** Options of `defaultPolynomialSchedule`. */
export interface DefaultPolynomialScheduleOptions {
  /** s_f in [0, 1): 0.9, 0.95 (the paper's default) or 0.99 in the paper. */
  finalSparsity: number;
  /** The number of training updates (gradient steps, not frames) the run will make. */
  totalUpdates: number;
  /** Updates between mask recomputations. Default 1000, as in the paper. */
  frequency?: number;
}

/**
 * The paper's setting (Obando-Ceron et al. 2024, after Graesser et al. 2022): prune from 20% to 80% of the training
 * updates (rounded to whole updates), every 1000 updates, starting dense, so the final network trains sparse for
 * the last 20%.
 */
export function defaultPolynomialSchedule(options: DefaultPolynomialScheduleOptions): PolynomialSchedule {
  if (typeof options !== 'object' || options === null) throw typeError('an options object', 'options', options);
  const totalUpdates = expectInteger(options.totalUpdates, 'totalUpdates', 1);
  const startStep = Math.round(0.2 * totalUpdates);
  const endStep = Math.round(0.8 * totalUpdates);
  if (endStep <= startStep) throw rangeError('an integer ≥ 2 (pruning runs from 20% to 80% of the updates)', 'totalUpdates', totalUpdates);
  return polynomialSchedule({
    finalSparsity: options.finalSparsity,
    initialSparsity: 0,
    startStep,
    endStep,
    frequency: options.frequency ?? 1000,
  });
}

/** One-shot pruning: dense before `step`, `sparsity` from `step` on, with a single mask computation at `step`. */
export function constantSchedule(options: ConstantScheduleOptions): ConstantSchedule {
  if (typeof options !== 'object' || options === null) throw typeError('an options object', 'options', options);
  const sparsity = expectSparsity(options.sparsity, 'sparsity');
  const pruneStep = expectInteger(options.step ?? 0, 'step', 0);
  return Object.freeze({
    kind: 'constant' as const,
    sparsity,
    step: pruneStep,
    finalSparsity: sparsity,
    sparsityAt(step: number): number {
      return expectStep(step) < pruneStep ? 0 : sparsity;
    },
    isPruningStep(step: number): boolean {
      return expectStep(step) === pruneStep;
    },
  });
}
