// Runs N copies of an env in lockstep and batches their observations, with Gymnasium's same-step autoreset.
import type { BoxSpace, DiscreteSpace, Env, EnvFactory, EnvOptions, Observation } from './env.js';
import { expectInteger, rangeError, typeError } from '../validate.js';

/** An episode that ended on this step, for logging training returns. */
export interface FinishedEpisode {
  /** Which env (0..numEnvs−1). */
  env: number;
  /** Undiscounted sum of the episode's rewards. */
  return: number;
  /** Steps in the episode. */
  length: number;
  terminated: boolean;
  truncated: boolean;
}

/** One batched step. Arrays are fresh each call, so callers may keep them. */
export interface VectorStepResult<O extends Observation = Observation> {
  /** numEnvs observations back to back ([numEnvs, ...shape]); for an env whose episode just ended, its reset obs. */
  obs: O;
  rewards: Float64Array;
  terminated: boolean[];
  truncated: boolean[];
  /** For env i whose episode ended on this step, the last observation of that episode (bootstrap from it when
   *  truncated); null for envs still running. */
  finalObs: (O | null)[];
  /** The episodes that ended on this step. */
  episodes: FinishedEpisode[];
}

/** What an env must offer for `VectorEnv.snapshot()`; the built-in envs do. */
interface SnapshotEnv {
  snapshot(): unknown;
  restore(snapshot: unknown): void;
}

/** A VectorEnv's state for checkpoints: each env's snapshot plus the running episodes' bookkeeping. */
export interface VectorEnvSnapshot {
  envs: unknown[];
  episodeReturns: number[];
  episodeLengths: number[];
  started: boolean;
}

function hasSnapshot(env: Env): env is Env & SnapshotEnv {
  const candidate = env as Partial<SnapshotEnv>;
  return typeof candidate.snapshot === 'function' && typeof candidate.restore === 'function';
}

/**
 * N envs stepped together. Autoreset is **same-step** (Gymnasium's SAME_STEP mode): when env i terminates or is
 * truncated, step() resets it at once, reports the episode's last observation in `finalObs[i]` and puts the
 * reset observation in `obs`; its reward, terminated and truncated belong to the step that ended the episode.
 * So every call returns observations the agent can act on next, and a transition for env i is
 * (previous obs, action, reward, finalObs[i] ?? obs slice i, terminated, truncated).
 */
export class VectorEnv<O extends Observation = Observation> {
  readonly numEnvs: number;
  /** The space of one env's observation (all envs share it). */
  readonly singleObservationSpace: BoxSpace;
  readonly actionSpace: DiscreteSpace;
  /** Elements in one env's observation. */
  readonly observationSize: number;
  readonly envs: readonly Env<O>[];
  #returns: Float64Array;
  #lengths: Int32Array;
  #started = false;

  constructor(envs: Env<O>[]) {
    if (!Array.isArray(envs)) throw typeError('an array of envs', 'envs', envs);
    if (envs.length < 1) throw rangeError('at least one env', 'envs.length', envs.length);
    const [first] = envs;
    envs.forEach((env, i) => {
      const space = env.observationSpace;
      if (space.dtype !== first.observationSpace.dtype || space.shape.join() !== first.observationSpace.shape.join()) {
        throw rangeError(`the observation space of envs[0] (${first.observationSpace.dtype} [${first.observationSpace.shape}])`,
          `envs[${i}].observationSpace`, `${space.dtype} [${space.shape}]`);
      }
      if (env.actionSpace.n !== first.actionSpace.n) {
        throw rangeError(`${first.actionSpace.n} actions like envs[0]`, `envs[${i}].actionSpace.n`, env.actionSpace.n);
      }
    });
    this.envs = [...envs];
    this.numEnvs = envs.length;
    this.singleObservationSpace = first.observationSpace;
    this.actionSpace = first.actionSpace;
    this.observationSize = first.observationSpace.shape.reduce((a, b) => a * b, 1);
    this.#returns = new Float64Array(this.numEnvs);
    this.#lengths = new Int32Array(this.numEnvs);
  }

  /** Builds `numEnvs` envs from a factory; env i gets `options.seed + i` when a seed is given. */
  static fromFactory(factory: EnvFactory, numEnvs: number, options: EnvOptions = {}): VectorEnv {
    expectInteger(numEnvs, 'numEnvs', 1);
    const seed = options.seed;
    if (seed !== undefined) expectInteger(seed, 'options.seed', Number.MIN_SAFE_INTEGER);
    const envs = Array.from({ length: numEnvs }, (_, i) => factory(seed === undefined ? options : { ...options, seed: seed + i }));
    return new VectorEnv(envs);
  }

  /** Resets every env (env i with `seed + i` when a seed is given, as Gymnasium does) and returns the batch. */
  reset(seed?: number): O {
    if (seed !== undefined) expectInteger(seed, 'seed', Number.MIN_SAFE_INTEGER);
    const batch = this.#newBatch();
    this.envs.forEach((env, i) => batch.set(env.reset(seed === undefined ? undefined : seed + i), i * this.observationSize));
    this.#returns.fill(0);
    this.#lengths.fill(0);
    this.#started = true;
    return batch;
  }

  /** Steps env i with actions[i]; envs whose episode ends are reset in the same call (see the class comment). */
  step(actions: ArrayLike<number>): VectorStepResult<O> {
    if (!this.#started) throw new Error('VectorEnv: call reset() before step()');
    if (typeof actions !== 'object' || actions === null || typeof actions.length !== 'number') {
      throw typeError('an array or typed array of actions', 'actions', actions);
    }
    if (actions.length !== this.numEnvs) {
      throw rangeError(`${this.numEnvs} actions (one per env)`, 'actions.length', actions.length);
    }
    const obs = this.#newBatch();
    const rewards = new Float64Array(this.numEnvs);
    const terminated: boolean[] = [];
    const truncated: boolean[] = [];
    const finalObs: (O | null)[] = [];
    const episodes: FinishedEpisode[] = [];
    for (let i = 0; i < this.numEnvs; i++) {
      const env = this.envs[i];
      const result = env.step(actions[i]);
      rewards[i] = result.reward;
      terminated.push(result.terminated);
      truncated.push(result.truncated);
      this.#returns[i] += result.reward;
      this.#lengths[i] += 1;
      if (result.terminated || result.truncated) {
        episodes.push({ env: i, return: this.#returns[i], length: this.#lengths[i], terminated: result.terminated, truncated: result.truncated });
        this.#returns[i] = 0;
        this.#lengths[i] = 0;
        finalObs.push(result.obs);
        obs.set(env.reset(), i * this.observationSize);
      } else {
        finalObs.push(null);
        obs.set(result.obs, i * this.observationSize);
      }
    }
    return { obs, rewards, terminated, truncated, finalObs, episodes };
  }

  /** Every env's state and the running returns, for checkpoints; each env must have snapshot()/restore(). */
  snapshot(): VectorEnvSnapshot {
    return {
      envs: this.envs.map((env, i) => {
        if (!hasSnapshot(env)) throw typeError('an env with snapshot() and restore()', `envs[${i}]`, env);
        return env.snapshot();
      }),
      episodeReturns: Array.from(this.#returns),
      episodeLengths: Array.from(this.#lengths),
      started: this.#started,
    };
  }

  /** Restores a snapshot taken by `snapshot()` from a VectorEnv over the same kind and number of envs. */
  restore(snapshot: VectorEnvSnapshot): void {
    if (typeof snapshot !== 'object' || snapshot === null) throw typeError('a VectorEnvSnapshot', 'snapshot', snapshot);
    for (const key of ['envs', 'episodeReturns', 'episodeLengths'] as const) {
      if (!Array.isArray(snapshot[key]) || snapshot[key].length !== this.numEnvs) {
        throw rangeError(`an array of ${this.numEnvs} entries (one per env)`, `snapshot.${key}`, snapshot[key]);
      }
    }
    this.envs.forEach((env, i) => {
      if (!hasSnapshot(env)) throw typeError('an env with snapshot() and restore()', `envs[${i}]`, env);
      env.restore(snapshot.envs[i]);
    });
    this.#returns.set(snapshot.episodeReturns);
    this.#lengths.set(snapshot.episodeLengths);
    this.#started = snapshot.started === true;
  }

  /** Closes every env that has a close(). */
  close(): void {
    for (const env of this.envs) env.close?.();
  }

  #newBatch(): O {
    const size = this.numEnvs * this.observationSize;
    return (this.singleObservationSpace.dtype === 'uint8' ? new Uint8Array(size) : new Float32Array(size)) as O;
  }
}
