// `prunerl train --save-replay`: the dataset holds every step of the run in Minari's layout, a killed and resumed
// run writes the same dataset as an uninterrupted one, and a torn journal record is dropped, not trusted.
import { describe, expect, it } from 'vitest';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig, type TrainConfigInput } from '../../src/train/train_config.js';
import { train } from '../../src/train/trainer.js';
import { readDataset, type ReplayDataset } from '../../src/offline/dataset_reader.js';
import { ReplayJournal, readJournal, RESET, STEP } from '../../src/offline/replay_journal.js';
import { datasetIdOf } from '../../src/offline/replay_recorder.js';
import { killAndResume, runCliToEnd } from '../helpers/kill_and_resume.js';

const small: TrainConfigInput = {
  env: 'CartPole-v1', frames: 2500, learningStarts: 500, evalEvery: 1000, evalEpisodes: 2, checkpointEvery: 300,
  sparsity: 0.9, pruneFrequency: 200, batchSize: 32, seed: 3,
};

function temp(): string {
  return mkdtempSync(join(tmpdir(), 'prunerl-replay-'));
}

/** The dataset's episodes as plain arrays (for deep equality). */
function contents(d: ReplayDataset): unknown {
  return d.episodes.map((e) => ({
    obs: Array.from(e.observations), actions: Array.from(e.actions), rewards: Array.from(e.rewards),
    terminations: Array.from(e.terminations), truncations: Array.from(e.truncations),
  }));
}

describe('--save-replay', () => {
  it('refuses a dataset folder that already exists, naming it', async () => {
    const dir = temp();
    await expect(train(resolveConfig({ ...small, saveReplay: dir }), { out: join(dir, 'run') })).rejects.toThrow(/Expected --save-replay to name a folder that does not exist yet but .* exists/);
  });

  it('records every step of the run, episode by episode, in Minari\'s layout', async () => {
    const dir = temp();
    const dataset = join(dir, 'cartpole-dqn');
    const summary = await train(resolveConfig({ ...small, saveReplay: dataset }), { out: join(dir, 'run') });
    expect(summary.savedReplay).toMatchObject({ dataset, steps: 2500 });
    const d = await readDataset(dataset);
    expect(d.totalSteps).toBe(2500);
    expect(d.env).toBe('CartPole-v1');
    expect(d.metadata).toMatchObject({ dataset_id: 'cartpole-dqn-v0', total_steps: 2500, total_episodes: d.episodes.length, data_format: 'hdf5' });
    expect(JSON.parse(d.metadata.env_spec!)).toMatchObject({ id: 'CartPole-v1', max_episode_steps: 500 });
    expect(d.episodes.length).toBe(summary.savedReplay!.episodes);
    for (const [i, e] of d.episodes.entries()) {
      const steps = e.actions.length;
      expect(e.observations.length).toBe(4 * (steps + 1));
      // CartPole pays 1 per step; every episode ends once, at its last step (the last one possibly cut by the run's end).
      expect(Array.from(e.rewards).every((r) => r === 1)).toBe(true);
      const ends = Array.from(e.terminations, (t, k) => t || e.truncations[k]);
      expect(ends.slice(0, -1).every((x) => x === 0), `episode ${i}`).toBe(true);
      expect(ends[steps - 1]).toBe(1);
    }
    // Consecutive episodes are separate resets: a new episode's first observation is CartPole's reset range.
    for (const e of d.episodes) expect(Array.from(e.observations.subarray(0, 4)).every((x) => Math.abs(x) <= 0.05)).toBe(true);
  });

  it('a run killed with SIGKILL and resumed writes the same dataset as an uninterrupted one', async () => {
    const dir = temp();
    const config = { ...small, frames: 5000, checkpointEvery: 50 };
    const configFile = join(dir, 'input.json');
    writeFileSync(configFile, JSON.stringify(config));
    const args = (name: string) => ['train', '--quiet', '--config', configFile, '--out', join(dir, `run-${name}`), '--save-replay', join(dir, name)];
    runCliToEnd(args('whole'));
    await killAndResume({
      args: args('cut'), checkpoint: join(dir, 'run-cut', 'checkpoint.prl'), finished: join(dir, 'cut'),
      // Whatever the moment of the kill, a dataset where the dataset goes is a whole one.
      afterEachStop: async () => { if (existsSync(join(dir, 'cut'))) expect((await readDataset(join(dir, 'cut'))).totalSteps).toBe(5000); },
    });
    const a = await readDataset(join(dir, 'whole')), b = await readDataset(join(dir, 'cut'));
    expect(b.totalSteps).toBe(5000);
    expect(contents(b)).toEqual(contents(a));
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 120_000);
});

describe('replay journal', () => {
  const layout = { observationSize: 2, observationDtype: 'float32' as const };

  it('drops a torn last record and cuts back to a checkpoint frame on resume', () => {
    const path = join(temp(), 'journal.bin');
    const j = ReplayJournal.create(path, layout);
    j.append({ kind: RESET, frame: 0, reward: 7, action: 0, terminated: false, truncated: false, obs: new Float32Array([0.1, 0.2]) });
    for (let f = 1; f <= 4; f++) j.append({ kind: STEP, frame: f, reward: 1, action: f % 2, terminated: false, truncated: false, obs: new Float32Array([f, -f]) });
    j.close();
    appendFileSync(path, Buffer.alloc(j.recordSize - 5, 7)); // a kill mid-write
    expect([...readJournal(path, layout)].length).toBe(5);
    const resumed = ReplayJournal.resume(path, layout, 2);
    expect(resumed.records).toBe(3); // the reset and steps 1, 2
    resumed.close();
    expect([...readJournal(path, layout)].map((r) => r.frame)).toEqual([0, 1, 2]);
    expect(() => ReplayJournal.resume(path, layout, 4)).toThrow(/stops at 2; the dataset cannot be completed/);
  });

  it('a record whose bytes changed fails its checksum and ends the journal there', () => {
    const path = join(temp(), 'journal.bin');
    const j = ReplayJournal.create(path, layout);
    j.append({ kind: RESET, frame: 0, reward: 1, action: 0, terminated: false, truncated: false, obs: new Float32Array([0, 0]) });
    j.append({ kind: STEP, frame: 1, reward: 1, action: 1, terminated: true, truncated: false, obs: new Float32Array([1, 1]) });
    j.close();
    const bytes = readFileSync(path);
    bytes[j.recordSize + 36] ^= 0xff; // inside the step's observation
    writeFileSync(path, bytes);
    expect([...readJournal(path, layout)].length).toBe(1);
  });

  it('names datasets as Minari ids, with a version', () => {
    expect(datasetIdOf('/x/cartpole-dqn', 'CartPole-v1')).toBe('cartpole-dqn-v0');
    expect(datasetIdOf('/x/breakout-expert-v2', 'minatar/breakout')).toBe('breakout-expert-v2');
    // A one-part name gets the env's name in front, so (env_name-)dataset_name-vN parses it.
    expect(datasetIdOf('/x/my data!', 'CartPole-v1')).toBe('cartpole-my_data_-v0');
    expect(datasetIdOf('/x/expert-v1', 'minatar/space_invaders')).toBe('space_invaders-expert-v1');
  });
});
