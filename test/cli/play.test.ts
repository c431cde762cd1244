import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import omggif from 'omggif';
import { play, type PlayOptions } from '../../src/play/play.js';
import { loadMinatarRendering } from '../../src/play/minatar_rendering.js';
import { playOptionsFromFlags } from '../../src/cli/commands/play.js';
import { Network } from '../../src/nn/network.js';
import { mlp } from '../../src/nn/architectures.js';
import { savePolicy } from '../../src/train/policy_file.js';
import type { PlayIo } from '../../src/play/screen.js';

const dir = mkdtempSync(join(tmpdir(), 'prunerl-play-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Captures what play writes; counts the waits a terminal would make. */
function captureIo(isTTY = false): PlayIo & { text(): string; sleeps: number[] } {
  const chunks: string[] = [];
  const sleeps: number[] = [];
  return {
    write: (text) => void chunks.push(text),
    isTTY,
    sleep: async (ms) => void sleeps.push(ms),
    text: () => chunks.join(''),
    sleeps,
  };
}

async function playQuietly(options: PlayOptions) {
  // Colours forced on: these tests read the coloured frames (a real pipe gets none; test/play/screen.test.ts).
  const io = { ...captureIo(), color: true };
  const result = await play(options, io);
  return { result, output: io.text() };
}

describe('play: bad calls', () => {
  it('an unknown env is one line listing the known envs, MinAtar games included', async () => {
    const error = await play({ env: 'breakout' }, captureIo()).catch((e: Error) => e);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).not.toContain('\n');
    expect((error as Error).message).toMatch(/for env but received 'breakout'; known: .*CartPole-v1.*minatar\/breakout/);
  });

  it('pictures are refused for envs without a grid, before anything runs', async () => {
    await expect(play({ env: 'CartPole-v1', gif: join(dir, 'x.gif') }, captureIo()))
      .rejects.toThrow("Expected a minatar/<game> env for --gif but received 'CartPole-v1'");
    await expect(play({ env: 'Acrobot-v1', pngDir: join(dir, 'x') }, captureIo())).rejects.toThrow(/for --png-dir/);
  });

  it('numeric options are checked, by option name in the API and by flag on the command line', async () => {
    await expect(play({ env: 'minatar/breakout', episodes: 0 }, captureIo())).rejects.toThrow(/\[1, 1000000\] for episodes/);
    await expect(play({ env: 'minatar/breakout', fps: -1 }, captureIo())).rejects.toThrow(/for fps/);
    expect(() => playOptionsFromFlags('minatar/breakout', { episodes: 'two' }))
      .toThrow("Expected an integer in [1, 1000000] for --episodes but received string 'two'");
    expect(() => playOptionsFromFlags('minatar/breakout', { maxSteps: '1.5' })).toThrow(/for --max-steps/);
    expect(playOptionsFromFlags('minatar/breakout', { fps: '0', seed: '4' })).toMatchObject({ fps: 0, seed: 4 });
  });

  it('a missing MinAtar package is one line with the install command', async () => {
    await expect(loadMinatarRendering('@prunerl/not-installed'))
      .rejects.toThrow('needs the optional package @prunerl/not-installed: run `npm install @prunerl/not-installed`');
  });

  it('a policy for other observations is refused, naming both', async () => {
    const path = join(dir, 'cartpole-policy');
    const network = new Network({ layers: mlp({ width: 1, outputs: 2, inputShape: [4] }), inputShape: [4], seed: 1 });
    savePolicy(join(dir, 'cartpole.prl'), {
      network, head: { kind: 'q', actions: 2 }, observation: { shape: [4], dtype: 'float32', scale: 1 },
      meta: { env: 'CartPole-v1', agent: 'dqn', net: 'mlp', width: 1 },
    });
    network.dispose();
    await expect(play({ env: 'minatar/breakout', policy: join(dir, 'cartpole.prl') }, captureIo()))
      .rejects.toThrow(/Expected a policy for minatar\/breakout \(observations 10×10×4, 6 actions\).*CartPole-v1/);
    await expect(play({ env: 'minatar/breakout', policy: path }, captureIo())).rejects.toThrow(/policy\.prl/);
  });
});

describe('play: MinAtar', () => {
  it('renders ANSI frames for minatar/breakout with a random policy: legend, one frame per step, the score', async () => {
    const { result, output } = await playQuietly({ env: 'minatar/breakout', seed: 5, episodes: 2 });
    const steps = result.steps.reduce((a, b) => a + b, 0);
    expect(result.scores).toHaveLength(2);
    expect(output.split('\n')[0]).toMatch(/paddle.*ball.*trail.*brick/);
    expect(output).toContain('\x1b[48;2;');
    // A frame is 10 grid lines and a status line; each episode shows its reset and every step.
    expect(output.match(/^episode \d\/2 {2}step \d+/gm)).toHaveLength(steps + 2);
    expect(output.match(/(\x1b\[48;2;[0-9;]+m {2}(\x1b\[48;2;[0-9;]+m)?)+/g)!.length).toBeGreaterThanOrEqual(10 * (steps + 2));
    expect(output).toMatch(new RegExp(`^episode 1: score ${result.scores[0]} in ${result.steps[0]} steps$`, 'm'));
    expect(output).toMatch(/^mean score over 2 episodes: /m);
    // Seeded: the same seed plays the same games.
    expect((await playQuietly({ env: 'minatar/breakout', seed: 5, episodes: 2 })).output).toBe(output);
  });

  it('on a terminal, frames redraw in place and wait 1/fps; --fps 0 never waits', async () => {
    const io = captureIo(true);
    const { steps } = await play({ env: 'minatar/breakout', seed: 1, fps: 20 }, io);
    expect(io.sleeps).toEqual(new Array(steps[0] + 1).fill(50));
    expect(io.text().match(/\x1b\[11F/g)).toHaveLength(steps[0]);
    const still = captureIo(true);
    await play({ env: 'minatar/breakout', seed: 1, fps: 0 }, still);
    expect(still.sleeps).toEqual([]);
  });

  it('writes the first episode as a valid GIF and as PNG frames, one frame per observation', async () => {
    const gif = join(dir, 'breakout.gif');
    const pngDir = join(dir, 'frames');
    const { result, output } = await playQuietly({ env: 'minatar/breakout', seed: 2, episodes: 2, gif, pngDir, fps: 25 });
    const frames = result.steps[0] + 1;
    const bytes = readFileSync(gif);
    expect(bytes.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    const reader = new omggif.GifReader(bytes);
    expect(reader.numFrames()).toBe(frames);
    expect([reader.width, reader.height]).toEqual([160, 160]);
    expect(reader.frameInfo(0).delay).toBe(4);
    expect(result.gif).toEqual({ path: gif, frames });
    const pngs = readdirSync(pngDir).sort();
    expect(pngs).toHaveLength(frames);
    expect(readFileSync(join(pngDir, pngs[0])).subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(output).toContain(`wrote ${gif} (${frames} frames, episode 1)`);
  });

  it('--max-steps cuts an episode and says so', async () => {
    const { result, output } = await playQuietly({ env: 'minatar/freeway', maxSteps: 3 });
    expect(result.steps).toEqual([3]);
    expect(output).toContain('in 3 steps (cut at --max-steps)');
  });
});

describe('play: envs without a grid, and trained policies', () => {
  it('CartPole prints the observation vector at each step', async () => {
    const { result, output } = await playQuietly({ env: 'CartPole-v1', seed: 3 });
    const lines = output.split('\n').filter((l) => l.includes(' obs ['));
    expect(lines).toHaveLength(result.steps[0] + 1);
    expect(lines[1]).toMatch(/^episode 1\/1 {2}step 1 {2}action [01] {2}score 1 {2}obs \[( ?-?\d\.\d{4}(, )?){4}\]$/);
    expect(result.scores[0]).toBe(result.steps[0]);
  });

  it('a saved policy acts greedily (argmax Q), the same episodes every time', async () => {
    const network = new Network({ layers: mlp({ width: 1, outputs: 2, inputShape: [4] }), inputShape: [4], seed: 9 });
    const path = join(dir, 'greedy.prl');
    savePolicy(path, {
      network, head: { kind: 'q', actions: 2 }, observation: { shape: [4], dtype: 'float32', scale: 1 },
      meta: { env: 'CartPole-v1', agent: 'dqn', net: 'mlp', width: 1 },
    });
    // What the policy should do at the first observation, from the network itself.
    const first = (await playQuietly({ env: 'CartPole-v1', seed: 4, policy: path, maxSteps: 1 })).output;
    const obs = Float32Array.from(first.match(/step 0 .*obs \[([^\]]+)\]/)![1].split(',').map(Number));
    const q = network.forward(obs, 1);
    network.dispose();
    expect(first).toMatch(new RegExp(`step 1 {2}action ${q[1] > q[0] ? 1 : 0} `));
    const a = await playQuietly({ env: 'CartPole-v1', seed: 4, policy: path, episodes: 3 });
    const b = await playQuietly({ env: 'CartPole-v1', seed: 4, policy: path, episodes: 3 });
    expect(a.output).toBe(b.output);
  });
});

describe('play: continuous actions (Pendulum-v1)', () => {
  const sacPolicy = (seed: number) => {
    // SAC's actor: outputs [μ, r] for Pendulum's one torque dimension, bounds [−2, 2].
    const network = new Network({ layers: mlp({ width: 1, outputs: 2, inputShape: [3] }), inputShape: [3], seed });
    const path = join(dir, `sac-${seed}.prl`);
    savePolicy(path, {
      network, head: { kind: 'tanh-gaussian', actions: 1, low: [-2], high: [2] }, observation: { shape: [3], dtype: 'float32', scale: 1 },
      meta: { env: 'Pendulum-v1', agent: 'sac', net: 'mlp', width: 1 },
    });
    return { network, path };
  };

  it('at random: torques drawn in [−2, 2], printed as vectors, the same for the same seed', async () => {
    const { result, output } = await playQuietly({ env: 'Pendulum-v1', seed: 6, maxSteps: 20 });
    expect(result.steps).toEqual([20]);
    expect(result.scores[0]).toBeLessThan(0); // Pendulum's reward is never positive
    const torques = [...output.matchAll(/action \[(-?\d+\.\d{4})\]/g)].map((m) => Number(m[1]));
    expect(torques).toHaveLength(20);
    for (const t of torques) expect(Math.abs(t)).toBeLessThanOrEqual(2);
    expect(new Set(torques).size).toBeGreaterThan(10);
    expect((await playQuietly({ env: 'Pendulum-v1', seed: 6, maxSteps: 20 })).output).toBe(output);
  });

  it('a SAC policy acts with its deterministic action 2·tanh(μ)', async () => {
    const { network, path } = sacPolicy(3);
    const first = (await playQuietly({ env: 'Pendulum-v1', seed: 4, policy: path, maxSteps: 1 })).output;
    const obs = Float32Array.from(first.match(/step 0 .*obs \[([^\]]+)\]/)![1].split(',').map(Number));
    const mu = network.forward(obs, 1)[0]!;
    network.dispose();
    const torque = Number(first.match(/step 1 {2}action \[(-?\d+\.\d{4})\]/)![1]);
    expect(torque).toBeCloseTo(2 * Math.tanh(mu), 3);
  });

  it('a policy of the other action kind is refused, naming both', async () => {
    const { network, path } = sacPolicy(5);
    network.dispose();
    await expect(play({ env: 'CartPole-v1', policy: path }, captureIo())).rejects.toThrow(
      `Expected a policy for CartPole-v1 (observations 4, 2 actions) for --policy but ${path} was trained on Pendulum-v1 (observations 3, 1-dimensional continuous actions)`,
    );
  });
});
