// The random source of a MinAtar env. The games draw only through `Rng`, with the same draws, in the same order and
// with the same bounds as the reference makes with numpy's RandomState (`rand()` is `uniform()`, `randint(low, high)`
// is `integer(low, high)`; `rand(8)` is 8 calls of `uniform()`), so a scripted Rng replays a recorded reference
// episode exactly and any generator can be plugged in.
//
// The default, `Xoshiro128`, is xoshiro128** 1.0 (Blackman & Vigna, https://prng.di.unimi.it/) on 32-bit words, so
// every operation is an exact Math.imul or shift; uniform() takes 53 bits as numpy's rand() does. It is not numpy's
// Mersenne Twister: seeds give other streams than the reference's, with the same distributions.
import { expectSafeInteger, rangeError } from './validate.js';

export interface Rng {
  /** A uniform double in [0, 1) (numpy's `rand()`). */
  uniform(): number;
  /** A uniform integer in [low, high), high exclusive (numpy's `randint(low, high)`). */
  integer(low: number, high: number): number;
  /** Optional: restart the stream from a seed; `env.reset(seed)` needs it. */
  seed?(seed: number): void;
}

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/** splitmix32-style avalanche: spreads a seed's bits over a whole 32-bit word. */
function mix32(value: number): number {
  let z = value | 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/** The default Rng: seeded, fast, the same stream on every platform. */
export class Xoshiro128 implements Rng {
  #s0 = 0;
  #s1 = 0;
  #s2 = 0;
  #s3 = 0;

  /** `seed`: any safe integer (negative ones included); distinct seeds give unrelated streams. */
  constructor(seed: number) {
    this.seed(seed);
  }

  seed(seed: number): void {
    expectSafeInteger(seed, 'seed');
    const low = seed >>> 0;
    const high = Math.floor(seed / TWO_POW_32) >>> 0;
    // A Weyl sequence over the mixed seed words fills the state (splitmix's construction); never all zero.
    let x = (low ^ mix32(high ^ 0x5bd1e995)) >>> 0;
    x = (x + 0x9e3779b9) >>> 0;
    this.#s0 = mix32(x);
    x = (x + 0x9e3779b9) >>> 0;
    this.#s1 = mix32(x);
    x = (x + 0x9e3779b9) >>> 0;
    this.#s2 = mix32(x);
    x = (x + 0x9e3779b9) >>> 0;
    this.#s3 = mix32(x);
    if ((this.#s0 | this.#s1 | this.#s2 | this.#s3) === 0) this.#s0 = 1;
  }

  /** The next raw 32-bit output, an unsigned integer in [0, 2³²). */
  nextUint32(): number {
    const s1 = this.#s1;
    const rotated = Math.imul(s1, 5);
    const result = Math.imul((rotated << 7) | (rotated >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= s1;
    this.#s1 = s1 ^ this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = (this.#s3 << 11) | (this.#s3 >>> 21);
    return result;
  }

  /** 53 random bits as a double in [0, 1), numpy's construction (27 high bits, 26 low bits). */
  uniform(): number {
    const upper = this.nextUint32() >>> 5;
    const lower = this.nextUint32() >>> 6;
    return (upper * 67108864 + lower) / TWO_POW_53;
  }

  /** Unbiased: draws at or above the largest multiple of the range below 2³² are rejected and redrawn. */
  integer(low: number, high: number): number {
    const range = high - low;
    if (!(range >= 1 && range <= TWO_POW_32)) throw rangeError(`an integer above low = ${low}`, 'high', high);
    const limit = TWO_POW_32 - (TWO_POW_32 % range);
    let draw = this.nextUint32();
    while (draw >= limit) draw = this.nextUint32();
    return low + (draw % range);
  }
}
