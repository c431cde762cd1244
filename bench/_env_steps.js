// Env steps per second for bench/train.js: CartPole-v1 and minatar/breakout, one env, uniform random actions,
// resetting when an episode ends (resets count in the time, not as steps).
import { CartPole } from '../dist/envs/cartpole.js';
import { makeEnv } from '../dist/envs/registry.js';
import { Random } from '../dist/random/random.js';
import { interleavedRates } from './_interleaved.js';

/** Steps per call: enough that reading the clock between calls costs nothing measurable. */
const STEPS_PER_CALL = 2000;

function stepper(env) {
  const random = new Random(3);
  const n = env.actionSpace.n;
  env.reset(1);
  return () => {
    for (let i = 0; i < STEPS_PER_CALL; i++) {
      const { terminated, truncated } = env.step(random.integer(0, n));
      if (terminated || truncated) env.reset();
    }
  };
}

async function minatarBreakout() {
  try {
    return await makeEnv('minatar/breakout', { seed: 1 });
  } catch (err) {
    console.error(`  skipping minatar/breakout: ${err.message}`);
    return null;
  }
}

export async function envStepRates(timing) {
  const envs = { 'CartPole-v1': new CartPole({ seed: 1 }) };
  const breakout = await minatarBreakout();
  if (breakout) envs['minatar/breakout'] = breakout;
  const fns = Object.fromEntries(Object.entries(envs).map(([id, env]) => [id, stepper(env)]));
  const rates = interleavedRates(fns, { ...timing, warmup: 5 });
  return Object.entries(rates).map(([env, r]) => ({ env, stepsPerSecond: Math.round(r.median * STEPS_PER_CALL) }));
}
