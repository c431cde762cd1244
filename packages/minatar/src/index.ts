// @prunerl/minatar: MinAtar (Young & Tian 2019, github.com/kenjyoung/MinAtar, by Kenny Young and Tian Tian), a
// faithful TypeScript port of the reference 1.0.15 as prunerl envs. GPL-3.0-only, like the original.
export { make, MinAtarEnv, type MinAtarOptions, type MinAtarSnapshot } from './environment.js';
export { register, ENV_IDS } from './register.js';
export { GAMES, GAME_INFO, type GameName, type GameInfo } from './games/index.js';
export { ACTION_NAMES } from './game.js';
export { Xoshiro128, type Rng } from './rng.js';
export { renderAnsi, legendAnsi } from './render_ansi.js';
export { channelPalette, gamePalette, paletteIndices, type Rgb } from './palette.js';
export { rgbaFrame, encodePng, writePngFrames, encodeGif, writeGif, type FrameOptions, type GifOptions } from './frames.js';
export type { BoxSpace, DiscreteSpace, Env, EnvFactory, EnvOptions, Observation, RegisterEnv, StepResult } from './env_types.js';
