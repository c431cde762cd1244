// Shared bookkeeping for the built-in envs: option checks, the action check, the reset-before-step rule and
// Gymnasium's TimeLimit (truncation after a fixed number of steps).
import type { EnvOptions } from './env.js';
import { expectInteger, rangeError, typeError } from '../validate.js';

/** The options every built-in env accepts. */
export interface BuiltinEnvOptions extends EnvOptions {
  /** Seeds the env's own generator; reset(seed) re-seeds it. Default 0, so an unseeded env is still deterministic. */
  seed?: number;
  /** Gymnasium's TimeLimit: the episode is truncated after this many steps (500 for both v1 tasks). */
  maxEpisodeSteps?: number;
}

/** Checks an env's options object, refusing keys it does not know so that a typo is never silently ignored. */
export function checkEnvOptions<T extends BuiltinEnvOptions>(options: T | undefined, known: readonly string[]): T {
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null) throw typeError('an options object', 'options', options);
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw rangeError(`one of ${known.join(', ')}`, 'option name', key);
  }
  if (options.seed !== undefined) expectInteger(options.seed, 'options.seed', Number.MIN_SAFE_INTEGER);
  if (options.maxEpisodeSteps !== undefined) expectInteger(options.maxEpisodeSteps, 'options.maxEpisodeSteps', 1);
  return options;
}

/** Checks `action` against a Discrete(n) action space: TypeError when not a number, RangeError when outside. */
export function checkAction(action: unknown, n: number): number {
  if (typeof action !== 'number') throw typeError(`an integer in [0, ${n - 1}]`, 'action', action);
  if (!Number.isInteger(action) || action < 0 || action >= n) throw rangeError(`an integer in [0, ${n - 1}]`, 'action', action);
  return action;
}

/** Checks a reset seed (undefined continues the env's random stream). */
export function checkSeed(seed: unknown): number | undefined {
  if (seed === undefined) return undefined;
  return expectInteger(seed, 'seed', Number.MIN_SAFE_INTEGER);
}

/** Where an episode stands: not started, running with `steps` taken, or over (terminated or truncated). */
export type EpisodePhase = 'unstarted' | 'running' | 'over';

/** Throws the error for step() outside a running episode. */
export function requireRunning(phase: EpisodePhase, id: string): void {
  if (phase === 'unstarted') throw new Error(`${id}: call reset() before step()`);
  if (phase === 'over') throw new Error(`${id}: the episode is over (terminated or truncated); call reset() before step()`);
}
