// `prunerl play <env>`: watch episodes in the terminal, played by a trained policy (greedy) or at random, and
// save the first one as an animated GIF or PNG frames. MinAtar games are drawn as coloured grids by the optional
// @prunerl/minatar package, loaded on demand; other envs print their observation vector at each step.
import type { Env } from '../envs/env.js';
import type { ContinuousEnv } from '../envs/continuous_env.js';
import { makeAnyEnv, registerEnv, registeredEnvs } from '../envs/registry.js';
import { registerBuiltinEnvs } from '../envs/builtin.js';
import { loadPolicy, type Policy } from '../train/policy_file.js';
import { Random } from '../random/random.js';
import { expectInteger, expectNumberIn, typeError } from '../validate.js';
import { checkPolicyFits, policyActor, randomActor, type Actor } from './actor.js';
import { gridView, vectorView, type FrameView } from './frame_view.js';
import { loadMinatarRendering, minatarGame, MINATAR_PACKAGE, type MinatarRendering } from './minatar_rendering.js';
import { processIo, Screen, type PlayIo } from './screen.js';

export interface PlayOptions {
  /** An env id: minatar/<game>, CartPole-v1, Acrobot-v1, Pendulum-v1 or any registered one. */
  env: string;
  /** A run directory (or policy.prl) from `prunerl train`: act greedily with it (SAC: its deterministic action).
   * Without one, act at random. */
  policy?: string;
  /** Seeds the episodes and the random policy (default 0). */
  seed?: number;
  /** Episodes to play (default 1). */
  episodes?: number;
  /** Frames per second on a terminal; 0 shows them as fast as they come (default 10). Also the GIF's speed. */
  fps?: number;
  /** Save the first episode as an animated GIF here (MinAtar only). */
  gif?: string;
  /** Save the first episode as PNG frames in this directory (MinAtar only). */
  pngDir?: string;
  /** Cut an episode after this many steps (default 10000). */
  maxSteps?: number;
}

export interface PlayResult {
  scores: number[];
  steps: number[];
  /** The GIF written, and how many frames it holds (the reset's observation and one per step). */
  gif?: { path: string; frames: number };
  pngFiles?: string[];
}

/** Allowed ranges of the numeric options, shared with the CLI so that its messages name the same bounds. */
export const PLAY_LIMITS = {
  seed: [0, 2 ** 31 - 1], episodes: [1, 1_000_000], fps: [0, 1000], maxSteps: [1, 100_000_000],
} as const;

const DEFAULTS = { seed: 0, episodes: 1, fps: 10, maxSteps: 10_000 };

function checkOptions(options: PlayOptions): Required<Pick<PlayOptions, 'env' | 'seed' | 'episodes' | 'fps' | 'maxSteps'>> {
  if (typeof options !== 'object' || options === null) throw typeError('an options object', 'options', options);
  if (typeof options.env !== 'string' || options.env === '') throw typeError('an env id', 'env', options.env);
  for (const key of ['policy', 'gif', 'pngDir'] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== 'string' || value === '')) throw typeError('a path', key, value);
  }
  const seed = expectInteger(options.seed ?? DEFAULTS.seed, 'seed', ...PLAY_LIMITS.seed);
  const episodes = expectInteger(options.episodes ?? DEFAULTS.episodes, 'episodes', ...PLAY_LIMITS.episodes);
  const fps = expectNumberIn(options.fps ?? DEFAULTS.fps, 'fps', ...PLAY_LIMITS.fps);
  const maxSteps = expectInteger(options.maxSteps ?? DEFAULTS.maxSteps, 'maxSteps', ...PLAY_LIMITS.maxSteps);
  return { env: options.env, seed, episodes, fps, maxSteps };
}

/** Any registered env (discrete or continuous actions); an unknown id's error also lists MinAtar's games whenever
 * the package is installed. */
async function makePlayEnv(id: string): Promise<Env | ContinuousEnv> {
  registerBuiltinEnvs();
  if (!registeredEnvs().includes(id) && minatarGame(id) === null) {
    try {
      const minatar = (await import(MINATAR_PACKAGE)) as { register(r: typeof registerEnv): void };
      minatar.register(registerEnv);
    } catch {
      // Not installed: the error lists the built-in envs only.
    }
  }
  return makeAnyEnv(id);
}

function formatScore(score: number): string {
  return Number.isInteger(score) ? String(score) : score.toFixed(2);
}

export async function play(options: PlayOptions, io: PlayIo = processIo): Promise<PlayResult> {
  const o = checkOptions(options);
  const game = minatarGame(o.env);
  for (const [key, flag] of [['gif', '--gif'], ['pngDir', '--png-dir']] as const) {
    if (options[key] !== undefined && game === null) {
      throw new RangeError(`Expected a minatar/<game> env for ${flag} but received '${o.env}' (only MinAtar grids have pictures)`);
    }
  }
  const env = await makePlayEnv(o.env);
  const rendering: MinatarRendering | null = game === null ? null : await loadMinatarRendering();
  const view: FrameView = rendering && game ? gridView(rendering, game) : vectorView();
  const episodeSeeds = new Random(o.seed);
  let policy: Policy | null = null;
  try {
    const screen = new Screen(io, o.fps);
    let actor: Actor;
    if (options.policy !== undefined) {
      policy = loadPolicy(options.policy);
      const note = checkPolicyFits(policy, env, options.policy);
      if (note) screen.print(note);
      actor = policyActor(policy);
    } else {
      actor = randomActor(env, new Random(episodeSeeds.integer(0, 2 ** 31)));
    }
    const actionName = (a: number | Float32Array) =>
      typeof a !== 'number' ? `[${Array.from(a, (v) => v.toFixed(4)).join(', ')}]` : `${a}${rendering ? ` (${rendering.ACTION_NAMES[a]})` : ''}`;
    if (view.header) screen.print(view.header);
    const result: PlayResult = { scores: [], steps: [] };
    for (let e = 0; e < o.episodes; e++) {
      let obs = env.reset(episodeSeeds.integer(0, 2 ** 31));
      const frames = e === 0 && (options.gif || options.pngDir) ? [obs as Uint8Array] : null;
      const status = (t: number, action: number | Float32Array | null, score: number) =>
        `episode ${e + 1}/${o.episodes}  step ${t}  action ${action === null ? '-' : actionName(action)}  score ${formatScore(score)}`;
      screen.keep();
      await screen.frame(view.frame(obs, status(0, null, 0)), view.inPlace);
      let score = 0, t = 0;
      let ended = false;
      while (!ended && t < o.maxSteps) {
        const action = actor(obs);
        // A continuous env's step takes the action vector a continuous actor gives.
        const step = (env as Env).step(action as number);
        t++;
        score += step.reward;
        obs = step.obs;
        ended = step.terminated || step.truncated;
        frames?.push(obs as Uint8Array);
        await screen.frame(view.frame(obs, status(t, action, score)), view.inPlace);
      }
      result.scores.push(score);
      result.steps.push(t);
      screen.print(`episode ${e + 1}: score ${formatScore(score)} in ${t} steps${ended ? '' : ' (cut at --max-steps)'}`);
      if (frames && rendering && game) saveFrames(frames, game, rendering, options, o.fps, result, screen);
    }
    if (o.episodes > 1) {
      const mean = result.scores.reduce((a, b) => a + b, 0) / o.episodes;
      screen.print(`mean score over ${o.episodes} episodes: ${mean.toFixed(2)}`);
    }
    return result;
  } finally {
    policy?.network.dispose();
    (env as { close?(): void }).close?.();
  }
}

function saveFrames(
  frames: Uint8Array[], game: string, rendering: MinatarRendering, options: PlayOptions, fps: number,
  result: PlayResult, screen: Screen,
): void {
  if (options.gif) {
    // GIF delays are whole hundredths of a second, at least 10 ms; --fps 0 (no pacing) saves at 10 frames/s.
    const frameMs = fps > 0 ? Math.min(655_350, Math.max(10, Math.round(1000 / fps))) : 100;
    const path = rendering.writeGif(frames, game, options.gif, { frameMs });
    result.gif = { path, frames: frames.length };
    screen.print(`wrote ${path} (${frames.length} frames, episode 1)`);
  }
  if (options.pngDir) {
    result.pngFiles = rendering.writePngFrames(frames, game, options.pngDir);
    screen.print(`wrote ${result.pngFiles.length} PNG frames to ${options.pngDir}`);
  }
}
