// `prunerl train --offline DATASET --agent cql|cql-c51`: refusals, the same run files as online runs, exact resume
// after SIGKILL, and a short learning check (CQL trained offline on a recorded CartPole dataset beats random).
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig, type TrainConfigInput } from '../../src/train/train_config.js';
import { train } from '../../src/train/trainer.js';
import { loadPolicy } from '../../src/train/policy_file.js';
import { readArchive } from '../../src/train/archive.js';
import { makeEnv } from '../../src/envs/registry.js';
import { registerBuiltinEnvs } from '../../src/envs/builtin.js';
import { runEpisode } from '../../src/train/evaluation.js';
import { Random } from '../../src/random/random.js';
import { buildProgram } from '../../src/cli/main.js';
import type { OfflineSummary } from '../../src/offline/offline_trainer.js';
import { killAndResume, metricsWithoutClock, runCliToEnd } from '../helpers/kill_and_resume.js';

const cli = join(process.cwd(), 'bin', 'prunerl.js');

function temp(): string {
  return mkdtempSync(join(tmpdir(), 'prunerl-offline-'));
}

function weightsOf(dir: string): number[][] {
  const policy = loadPolicy(dir);
  const out = policy.network.params().map((p) => Array.from(policy.network.getWeight(p.index)));
  policy.network.dispose();
  return out;
}

// One CartPole dataset for the file: a 90%-pruned DQN's 12k frames (exploration included, as a replay dataset is).
let dataset = '';
beforeAll(async () => {
  const dir = temp();
  dataset = join(dir, 'cartpole-dqn');
  await train(resolveConfig({ env: 'CartPole-v1', frames: 12_000, sparsity: 0.9, seed: 0, evalEvery: 4000, saveReplay: dataset }), { out: join(dir, 'recording') });
}, 120_000);

describe('offline config', () => {
  it('refuses offline agents without a dataset, a dataset without one, and both flags at once', () => {
    expect(() => resolveConfig({ agent: 'cql' })).toThrow(/agent cql trains from a fixed dataset: give --offline DATASET/);
    expect(() => resolveConfig({ agent: 'dqn', offline: '/x' })).toThrow(/--offline trains agent cql or cql-c51 \(agent is dqn\)/);
    expect(() => resolveConfig({ agent: 'cql', offline: '/x', saveReplay: '/y' })).toThrow(/--save-replay records the env steps of an online run/);
    expect(() => resolveConfig({ agent: 'cql', offline: '/x', learningStarts: 100 })).toThrow(/learningStarts must be 0 and updateEvery 1/);
  });

  it('cql-c51 is C51 with 3-step returns, dueling and double; CQL α is 0.1; offline runs step from the start', () => {
    expect(resolveConfig({ agent: 'cql-c51', offline: '/x' })).toMatchObject({ nStep: 3, dueling: true, double: true, atoms: 51, cqlAlpha: 0.1, learningStarts: 0, updateEvery: 1 });
    expect(resolveConfig({ agent: 'cql', offline: '/x' })).toMatchObject({ nStep: 1, cqlAlpha: 0.1 });
  });

  it('train --help names --offline, --save-replay, cql and cql-c51', () => {
    const help = buildProgram().commands.find((c) => c.name() === 'train')!.helpInformation();
    for (const word of ['--offline', '--save-replay', 'cql', 'cql-c51']) expect(help).toContain(word);
  });
});

describe('offline training', () => {
  it('refuses a dataset that is not there, and an --env whose spaces differ, in one line', async () => {
    const missing = spawnSync(process.execPath, [cli, 'train', '--quiet', '--agent', 'cql', '--offline', join(temp(), 'none'), '--out', join(temp(), 'r')]);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr.toString().trim()).toMatch(/^prunerl: .*Expected a Minari-layout dataset at --offline .*none but there is nothing there$/m);
    await expect(train(resolveConfig({ agent: 'cql', offline: dataset, env: 'Acrobot-v1', frames: 100 }), { out: temp() }))
      .rejects.toThrow(/Expected --env Acrobot-v1 to match the dataset's spaces \(observations float32 \[4\], 2 actions\) but it has float32 \[6\] and 3 actions/);
  });

  it('takes the dataset\'s env when --env is not given, and writes the run files of an online run', () => {
    const out = join(temp(), 'run');
    const r = spawnSync(process.execPath, [cli, 'train', '--quiet', '--agent', 'cql-c51', '--offline', dataset, '--frames', '600', '--out', out, '--set', 'evalEvery=300', 'evalEpisodes=1', 'pruneFrequency=50']);
    expect(r.status, r.stderr.toString()).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as OfflineSummary;
    expect(summary).toMatchObject({ env: 'CartPole-v1', agent: 'cql-c51', frames: 600, finalTrainReturn: null });
    expect(summary.achievedSparsity).toBeCloseTo(0.9, 2);
    expect(summary.dataset.steps).toBe(12_000);
    for (const f of ['config.json', 'metrics.jsonl', 'metrics.csv', 'checkpoint.prl', 'policy.prl']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(metricsWithoutClock(out).length).toBe(2);
    // --resume reads the dataset again and refuses one that changed since the run started.
    const record = JSON.parse(readFileSync(join(out, 'dataset.json'), 'utf8')) as { steps: number };
    expect(record.steps).toBe(12_000);
    writeFileSync(join(out, 'dataset.json'), JSON.stringify({ ...record, steps: 11_999 }));
    const again = spawnSync(process.execPath, [cli, 'train', '--quiet', '--out', out, '--resume']);
    expect(again.status).not.toBe(0);
    expect(again.stderr.toString()).toMatch(/to be the dataset this run started from \(\d+ episodes, 11999 steps\) but it now holds \d+ episodes, 12000 steps/);
  });

  it('an --offline run killed with SIGKILL resumes to the same metrics and weights', async () => {
    const dir = temp();
    const configFile = join(dir, 'input.json');
    writeFileSync(configFile, JSON.stringify({ agent: 'cql', offline: dataset, frames: 3000, evalEvery: 500, evalEpisodes: 2, checkpointEvery: 50, pruneFrequency: 100, seed: 5 }));
    const args = (out: string) => ['train', '--quiet', '--config', configFile, '--out', out];
    const whole = join(dir, 'whole'), cut = join(dir, 'cut');
    runCliToEnd(args(whole));
    await killAndResume({
      args: args(cut), checkpoint: join(cut, 'checkpoint.prl'), finished: join(cut, 'summary.json'),
      afterEachStop: () => { expect(() => readArchive(join(cut, 'checkpoint.prl'))).not.toThrow(); },
    });
    expect(metricsWithoutClock(cut)).toEqual(metricsWithoutClock(whole));
    expect(weightsOf(cut)).toEqual(weightsOf(whole));
  }, 120_000);
});

describe('learning (offline)', () => {
  // A short version of docs/results/cql-cartpole: CQL, 90% pruned, 6k gradient steps on the 12k-frame dataset, must
  // be far above a uniformly random policy (measured here over 20 episodes: about 22).
  it('CQL trained offline on a recorded CartPole dataset beats a random policy by far', async () => {
    const summary = await train(resolveConfig({ agent: 'cql', offline: dataset, frames: 6000, evalEvery: 3000, evalEpisodes: 10, seed: 0 }), { out: temp() }) as OfflineSummary;
    registerBuiltinEnvs();
    const env = await makeEnv('CartPole-v1');
    const rng = new Random(11);
    let random = 0;
    for (let e = 0; e < 20; e++) random += runEpisode(env, rng.integer(0, 2 ** 31), () => rng.integer(0, 2)) / 20;
    expect(random).toBeLessThan(40);
    expect(summary.achievedSparsity).toBeCloseTo(0.9, 2);
    expect(summary.finalEvalReturn).toBeGreaterThan(3 * random);
  }, 60_000);
});
