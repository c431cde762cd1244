// A small seeded pseudo-random generator for agents, replay buffers and environments.
// Every consumer owns a `Random` built from an explicit seed, so a run is reproducible from its config alone and
// the generator's state can be written into a checkpoint and restored exactly (there is no global RNG).
//
// Algorithm: xoshiro128** 1.0 (Blackman & Vigna, https://prng.di.unimi.it/), 32-bit words so every operation is
// an exact Math.imul / shift in JavaScript; seeded by expanding the seed with splitmix32-style mixing. We own the
// generator instead of taking a dependency so that checkpoints stay readable across library upgrades.
import { rangeError, typeError } from '../validate.js';

/** A generator's complete state: restoring it replays the same stream. Plain numbers, so it serialises to JSON. */
export interface RandomState {
  algorithm: 'xoshiro128**';
  /** The four 32-bit state words, each an unsigned integer. */
  words: [number, number, number, number];
}

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/** Finalises a 32-bit value into a well-mixed one (the splitmix32 / murmur3-style avalanche). */
function mix32(value: number): number {
  let z = value | 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Seeded generator: `new Random(seed)`; the same seed always gives the same sequence on every platform. */
export class Random {
  #s0 = 0;
  #s1 = 0;
  #s2 = 0;
  #s3 = 0;

  /** `seed`: any safe integer (negative ones included); distinct seeds give unrelated streams. */
  constructor(seed: number) {
    if (typeof seed !== 'number') throw typeError('an integer', 'seed', seed);
    if (!Number.isSafeInteger(seed)) throw rangeError('a safe integer', 'seed', seed);
    const low = seed >>> 0;
    const high = Math.floor(seed / TWO_POW_32) >>> 0;
    // A Weyl sequence over the mixed seed words fills the four state words (splitmix's construction).
    let x = (low ^ mix32(high ^ 0x5bd1e995)) >>> 0;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      words.push(mix32(x));
    }
    // The all-zero state is xoshiro's one fixed point; the mixing makes it practically impossible, but be sure.
    if (!words.some((w) => w !== 0)) words[0] = 1;
    this.#setWords(words);
  }

  /** A generator continuing from a saved state (see `state()`). */
  static fromState(state: RandomState): Random {
    const random = new Random(0);
    random.setState(state);
    return random;
  }

  /** The next raw 32-bit output, an unsigned integer in [0, 2³²). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.#s1, 5), 7), 9) >>> 0;
    const t = this.#s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= this.#s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    return result;
  }

  /** A uniform double in [low, high), 53 random bits (as numpy's `uniform(low, high)`: low + (high − low)·u). */
  uniform(low = 0, high = 1): number {
    const upper = this.nextUint32() >>> 5; // 27 bits
    const lower = this.nextUint32() >>> 6; // 26 bits
    const u = (upper * 67108864 + lower) / TWO_POW_53;
    return low + (high - low) * u;
  }

  /** A uniform integer in [low, high) (high exclusive, as numpy's `integers`); high − low must be in [1, 2³²]. */
  integer(low: number, high: number): number {
    if (typeof low !== 'number') throw typeError('an integer', 'low', low);
    if (typeof high !== 'number') throw typeError('an integer', 'high', high);
    if (!Number.isSafeInteger(low)) throw rangeError('a safe integer', 'low', low);
    if (!Number.isSafeInteger(high) || high <= low || high - low > TWO_POW_32) {
      throw rangeError(`an integer in [${low + 1}, ${low + TWO_POW_32}] (high is exclusive)`, 'high', high);
    }
    const range = high - low;
    // Rejection sampling removes the modulo bias: accept only draws below the largest multiple of range.
    const limit = TWO_POW_32 - (TWO_POW_32 % range);
    let draw = this.nextUint32();
    while (draw >= limit) draw = this.nextUint32();
    return low + (draw % range);
  }

  /** A normal sample (Box–Muller, two uniforms per sample, no cached spare so the state stays four words). */
  normal(mean = 0, std = 1): number {
    const u1 = this.uniform();
    const u2 = this.uniform();
    return mean + std * Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** A copy of the state; `setState` with it makes this (or another) generator replay from here. */
  state(): RandomState {
    return { algorithm: 'xoshiro128**', words: [this.#s0 >>> 0, this.#s1 >>> 0, this.#s2 >>> 0, this.#s3 >>> 0] };
  }

  /** Restores a state saved by `state()`. */
  setState(state: RandomState): void {
    if (typeof state !== 'object' || state === null) throw typeError('a RandomState object', 'state', state);
    if (state.algorithm !== 'xoshiro128**') throw rangeError("algorithm 'xoshiro128**'", 'state.algorithm', state.algorithm);
    const words = state.words;
    if (!Array.isArray(words) || words.length !== 4) throw typeError('an array of 4 unsigned 32-bit integers', 'state.words', words);
    words.forEach((w, i) => {
      if (!Number.isInteger(w) || w < 0 || w >= TWO_POW_32) throw rangeError('an unsigned 32-bit integer', `state.words[${i}]`, w);
    });
    if (words.every((w) => w === 0)) throw rangeError('at least one non-zero word', 'state.words', words);
    this.#setWords(words);
  }

  #setWords(words: readonly number[]): void {
    this.#s0 = words[0] | 0;
    this.#s1 = words[1] | 0;
    this.#s2 = words[2] | 0;
    this.#s3 = words[3] | 0;
  }
}
