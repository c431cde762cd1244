// Environments with a Box action space (continuous control), for SAC. Kept beside the discrete Env interface
// rather than widening it, so every discrete agent, wrapper and the trainer stay as they are.
import type { BoxSpace, StepResult } from './env.js';
import { rangeError, typeError } from '../validate.js';

/** Real-valued actions in [low[i], high[i]] per dimension (Gymnasium's Box with per-dimension bounds). */
export interface ActionBox {
  kind: 'box';
  shape: number[];
  low: Float32Array;
  high: Float32Array;
}

export interface ContinuousEnv {
  readonly id: string;
  readonly observationSpace: BoxSpace;
  readonly actionSpace: ActionBox;
  readonly maxEpisodeSteps: number;
  reset(seed?: number): Float32Array;
  /** Actions outside the box are clipped by the env, as Gymnasium's classic-control envs do. */
  step(action: Float32Array | number[]): StepResult<Float32Array>;
}

/** A finite action of the right length (clipping is the env's business, NaN is the caller's mistake). */
export function checkContinuousAction(action: unknown, space: ActionBox): ArrayLike<number> {
  const size = space.shape.reduce((a, b) => a * b, 1);
  if (!(action instanceof Float32Array) && !Array.isArray(action)) throw typeError(`a Float32Array or number[] of ${size} actions`, 'action', action);
  if (action.length !== size) throw rangeError(`${size} action value(s)`, 'action', action);
  for (let i = 0; i < size; i++) {
    const v = action[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw rangeError('finite numbers', 'action', action);
  }
  return action;
}
