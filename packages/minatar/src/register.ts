// Registration with prunerl's env registry: prunerl's makeEnv('minatar/<game>') imports this package and calls
// register(registerEnv), which adds the five games under their prunerl ids.
import type { EnvOptions, RegisterEnv } from './env_types.js';
import { make, type MinAtarOptions } from './environment.js';
import { GAMES } from './games/index.js';

/** The prunerl env ids this package provides: minatar/asterix, minatar/breakout, ... */
export const ENV_IDS = GAMES.map((game) => `minatar/${game}`);

/** Registers `minatar/<game>` for each game; the factory passes its options (seed, stickyActionProb,
 * difficultyRamping, minimalActionSet, rng) to make(). */
export function register(registerEnv: RegisterEnv): void {
  for (const game of GAMES) {
    registerEnv(`minatar/${game}`, (options?: EnvOptions) => make(game, options as MinAtarOptions | undefined));
  }
}
