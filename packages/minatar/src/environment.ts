// The MinAtar env: the reference's Environment wrapper (minatar/environment.py: sticky actions, the action set)
// behind prunerl's Env interface. Original MinAtar authors: Kenny Young and Tian Tian; GPL-3.0.
import type { BoxSpace, DiscreteSpace, Env, StepResult } from './env_types.js';
import type { Game } from './game.js';
import { GAME_INFO, checkGameName, type GameName } from './games/index.js';
import { Xoshiro128, type Rng } from './rng.js';
import { expectBoolean, expectNumberIn, expectSafeInteger, rangeError, typeError } from './validate.js';

export interface MinAtarOptions {
  /** Seeds the default generator, or `rng` through its seed method. Default 0: an unseeded env is deterministic. */
  seed?: number;
  /** The source of every random draw (sticky actions and the game's); default `new Xoshiro128(seed)`. */
  rng?: Rng;
  /** Probability that the previous action repeats instead of the chosen one (Machado et al. 2018). Default 0.1. */
  stickyActionProb?: number;
  /** Asterix, Seaquest and Space Invaders get harder as they go on. Default true (the reference's default). */
  difficultyRamping?: boolean;
  /** Use only the game's meaningful actions (gym's MinAtar v1 ids) instead of all 6 (v0). Default false. */
  minimalActionSet?: boolean;
}

/** A MinAtarEnv's state: the episode's seed, the sticky action it started with, and its actions so far. */
export interface MinAtarSnapshot {
  seed: number;
  lastActionAtReset: number;
  actions: number[];
}

const KNOWN_OPTIONS = ['seed', 'rng', 'stickyActionProb', 'difficultyRamping', 'minimalActionSet'];

/** Observations are carved out of 16 KiB buffers: one allocation per 16 to 40 steps instead of one per step. */
const SLAB_BYTES = 16384;

/** One MinAtar game as a prunerl Env. Observations are fresh Uint8Arrays of 10·10·C zeros and ones, [y][x][c].
 *
 * Each observation has memory of its own that is never written again, but several share one ArrayBuffer (a
 * per-step ArrayBuffer allocation cost more than the game itself): use the array, not `obs.buffer`, and copy
 * (`obs.slice()`) before transferring a buffer to a worker. */
export class MinAtarEnv implements Env<Uint8Array> {
  readonly id: string;
  readonly game: GameName;
  readonly observationSpace: BoxSpace;
  readonly actionSpace: DiscreteSpace;
  /** actionSet[i] is the reference action (0..5: noop, left, up, right, down, fire) that action i stands for. */
  readonly actionSet: readonly number[];
  readonly stickyActionProb: number;
  readonly difficultyRamping: boolean;
  readonly #game: Game;
  readonly #actions: Int32Array;
  readonly #observationSize: number;
  #rng: Rng;
  /** The reference action taken last, which a sticky step repeats; kept across episodes as in the reference. */
  #lastAction = 0;
  #started = false;
  #slab = new ArrayBuffer(0);
  #slabUsed = 0;
  /** What snapshot() needs to replay this episode: its seed, the sticky action carried in, the actions since. */
  #episodeSeed: number | null = null;
  #lastActionAtReset = 0;
  #episodeActions: number[] = [];

  constructor(game: GameName, options: MinAtarOptions = {}) {
    this.game = checkGameName(game);
    const checked = checkOptions(options);
    this.stickyActionProb = checked.stickyActionProb ?? 0.1;
    this.difficultyRamping = checked.difficultyRamping ?? true;
    this.#rng = checked.rng ?? new Xoshiro128(checked.seed ?? 0);
    if (checked.rng && checked.seed !== undefined) this.#seedRng(checked.seed);
    const info = GAME_INFO[this.game];
    this.#game = info.create(this.#rng, this.difficultyRamping);
    this.actionSet = Object.freeze(checked.minimalActionSet ? [...info.minimalActionSet] : [0, 1, 2, 3, 4, 5]);
    this.#actions = Int32Array.from(this.actionSet);
    this.id = `minatar/${this.game}`;
    const channels = this.#game.channels;
    this.#observationSize = 100 * channels;
    this.observationSpace = { kind: 'box', shape: [10, 10, channels], dtype: 'uint8', low: 0, high: 1 };
    this.actionSpace = { kind: 'discrete', n: this.actionSet.length };
  }

  /** Starts an episode; `seed` restarts the random stream first (the rng must have a `seed` method). */
  reset(seed?: number): Uint8Array {
    if (seed !== undefined) {
      expectSafeInteger(seed, 'seed');
      this.#seedRng(seed);
    }
    this.#episodeSeed = seed ?? null;
    this.#lastActionAtReset = this.#lastAction;
    this.#episodeActions = [];
    this.#game.reset();
    this.#started = true;
    return this.#observation();
  }

  /** One frame. After the game has ended, steps still draw the sticky-action number and return reward 0 with
   * terminated true, as the reference's act() does; call reset() to play again. */
  step(action: number): StepResult<Uint8Array> {
    const n = this.#actions.length;
    if (typeof action !== 'number') throw typeError(`an integer in [0, ${n - 1}]`, 'action', action);
    if (!Number.isInteger(action) || action < 0 || action >= n) {
      throw rangeError(`an integer in [0, ${n - 1}]`, 'action', action);
    }
    if (!this.#started) throw new Error(`${this.id}: call reset() before step()`);
    this.#episodeActions.push(action);
    let chosen = this.#actions[action];
    // Exactly one draw per step, before anything else, even when the game is over.
    if (this.#rng.uniform() < this.stickyActionProb) chosen = this.#lastAction;
    this.#lastAction = chosen;
    const reward = this.#game.act(chosen);
    // Freeway's 2500-frame limit ends the game inside the reference (terminal = True), so it is `terminated`.
    return { obs: this.#observation(), reward, terminated: this.#game.terminal, truncated: false };
  }

  /**
   * The env's state for checkpoints, or null when it cannot be captured (the episode was not started with a seed).
   * The games' state is rebuilt by replay: restore() seeds the episode again and repeats its actions, which the
   * games make deterministic (every draw comes from the seeded rng).
   */
  snapshot(): MinAtarSnapshot | null {
    if (!this.#started || this.#episodeSeed === null) return null;
    return { seed: this.#episodeSeed, lastActionAtReset: this.#lastActionAtReset, actions: [...this.#episodeActions] };
  }

  /** Continues exactly as the env that took `snapshot` (same game, options and kind of rng). */
  restore(snapshot: MinAtarSnapshot): void {
    if (typeof snapshot !== 'object' || snapshot === null || !Array.isArray(snapshot.actions)) {
      throw typeError('a MinAtarSnapshot {seed, lastActionAtReset, actions}', 'snapshot', snapshot);
    }
    expectSafeInteger(snapshot.seed, 'snapshot.seed');
    this.#lastAction = snapshot.lastActionAtReset;
    this.reset(snapshot.seed);
    for (const action of snapshot.actions) this.step(action);
  }

  /** The current observation (a fresh copy), as the reference's state(). */
  observation(): Uint8Array {
    if (!this.#started) throw new Error(`${this.id}: call reset() before observation()`);
    return this.#observation();
  }

  /** The reference's difficulty_ramp(): how far difficulty has ramped, or null for Breakout and Freeway. */
  difficultyRamp(): number | null {
    return this.#game.difficultyRamp();
  }

  /** The reference's channel names, in channel order (for renderers and legends). */
  get channelNames(): readonly string[] {
    return GAME_INFO[this.game].channelNames;
  }

  #seedRng(seed: number): void {
    if (typeof this.#rng.seed !== 'function') {
      throw new TypeError(`minatar/${this.game}: a seed needs an rng with a seed(seed) method; the rng given has none`);
    }
    this.#rng.seed(seed);
  }

  #observation(): Uint8Array {
    const size = this.#observationSize;
    if (this.#slabUsed + size > this.#slab.byteLength) {
      this.#slab = new ArrayBuffer(Math.max(SLAB_BYTES, size));
      this.#slabUsed = 0;
    }
    // Fresh slab memory is zero and handed out once, as writeState needs.
    const out = new Uint8Array(this.#slab, this.#slabUsed, size);
    this.#slabUsed += size;
    this.#game.writeState(out);
    return out;
  }
}

function checkOptions(options: unknown): MinAtarOptions {
  if (typeof options !== 'object' || options === null) throw typeError('an options object', 'options', options);
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN_OPTIONS.includes(key)) throw rangeError(`one of ${KNOWN_OPTIONS.join(', ')}`, 'option name', key);
  }
  if (o.seed !== undefined) expectSafeInteger(o.seed, 'options.seed');
  if (o.rng !== undefined) {
    const rng = o.rng as Partial<Rng> | null;
    if (typeof rng !== 'object' || rng === null || typeof rng.uniform !== 'function' || typeof rng.integer !== 'function') {
      throw typeError('an object with uniform() and integer(low, high) methods', 'options.rng', o.rng);
    }
  }
  if (o.stickyActionProb !== undefined) expectNumberIn(o.stickyActionProb, 'options.stickyActionProb', 0, 1);
  if (o.difficultyRamping !== undefined) expectBoolean(o.difficultyRamping, 'options.difficultyRamping');
  if (o.minimalActionSet !== undefined) expectBoolean(o.minimalActionSet, 'options.minimalActionSet');
  return o as MinAtarOptions;
}

/** Makes one of the five MinAtar games (see MinAtarOptions). Draws nothing: the first draws come with reset(). */
export function make(game: GameName, options?: MinAtarOptions): MinAtarEnv {
  return new MinAtarEnv(game, options);
}
