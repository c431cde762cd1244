// Random test inputs, fresh each run: the seed is printed on failure through the test name helpers below.
// A small seeded PRNG (mulberry32) so a failing case can be replayed with PRUNERL_TEST_SEED.

export const testSeed: number = process.env.PRUNERL_TEST_SEED
  ? Number(process.env.PRUNERL_TEST_SEED)
  : Math.floor(Math.random() * 2 ** 31);

export interface Rng {
  next(): number; // uniform in [0, 1)
  int(low: number, high: number): number; // integer in [low, high)
  normal(): number;
}

export function rng(seed: number = testSeed): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (low, high) => low + Math.floor(next() * (high - low)),
    normal: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
  };
}

/** Uniform values in [-scale, scale), never all zero. */
export function randomFloat32(r: Rng, n: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (r.next() * 2 - 1) * scale;
  if (n > 0 && out.every((v) => v === 0)) out[0] = scale / 2;
  return out;
}

/** A mask with round(density·n) ones at random positions. */
export function randomMask(r: Rng, n: number, density: number): Uint8Array {
  const mask = new Uint8Array(n);
  const keep = Math.round(density * n);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = r.int(0, i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  for (let i = 0; i < keep; i++) mask[order[i]] = 1;
  return mask;
}
