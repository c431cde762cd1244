// `prunerl play <env>`: flags → play() (src/play/play.ts). The numeric flags are checked here so that errors name
// the flag the user typed (--episodes), with the bounds play() itself enforces.
import type { Command } from 'commander';
import { play, PLAY_LIMITS, type PlayOptions } from '../../play/play.js';
import { rangeError } from '../../validate.js';

interface PlayFlags {
  policy?: string; seed?: string; episodes?: string; fps?: string; gif?: string; pngDir?: string; maxSteps?: string;
}

function flagNumber(value: string | undefined, flag: string, [min, max]: readonly [number, number], integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  const what = `${integer ? 'an integer' : 'a number'} in [${min}, ${max}]`;
  if (value.trim() === '' || !(integer ? Number.isInteger(n) : Number.isFinite(n)) || n < min || n > max) {
    throw rangeError(what, flag, value);
  }
  return n;
}

export function playOptionsFromFlags(env: string, f: PlayFlags): PlayOptions {
  return {
    env, policy: f.policy, gif: f.gif, pngDir: f.pngDir,
    seed: flagNumber(f.seed, '--seed', PLAY_LIMITS.seed, true),
    episodes: flagNumber(f.episodes, '--episodes', PLAY_LIMITS.episodes, true),
    fps: flagNumber(f.fps, '--fps', PLAY_LIMITS.fps, false),
    maxSteps: flagNumber(f.maxSteps, '--max-steps', PLAY_LIMITS.maxSteps, true),
  };
}

export function registerPlayCommand(program: Command): void {
  program
    .command('play')
    .description('watch an agent play in the terminal (MinAtar as coloured grids); save an episode as GIF or PNGs')
    .argument('<env>', 'environment id (minatar/<game>, CartPole-v1, Acrobot-v1, Pendulum-v1, ...)')
    .option('--policy <run-dir>', 'act greedily with the policy of a `prunerl train` run (SAC: its deterministic action; default: at random)')
    .option('--seed <n>', 'seeds the episodes and the random policy (default: 0)')
    .option('--episodes <n>', 'episodes to play (default: 1)')
    .option('--fps <n>', 'frames per second on a terminal; 0 = no delay (default: 10; piped output never waits)')
    .option('--gif <file>', 'save the first episode as an animated GIF (MinAtar only)')
    .option('--png-dir <dir>', 'save the first episode as PNG frames in <dir> (MinAtar only)')
    .option('--max-steps <n>', 'cut an episode after this many steps (default: 10000)')
    .action(async (env: string, flags: PlayFlags) => {
      await play(playOptionsFromFlags(env, flags));
    });
}
