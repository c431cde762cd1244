// Every file the trainer writes is atomic or append-only with recovery (issue 15 item 5): temp files left by a
// writer killed mid-write are removed by the next writer of that file (a live writer's are left alone); an empty
// or corrupt config.json or summary.json met by a sweep or a report is an error naming the file.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSweepResults } from '../../src/report/sweep_results.js';
import { prepareSweepDir, runDirOf, writeRunConfig } from '../../src/sweep/sweep_dir.js';
import { resolveConfig } from '../../src/train/train_config.js';
import { train } from '../../src/train/trainer.js';

const small = { env: 'CartPole-v1', frames: 400, learningStarts: 200, evalEvery: 400, evalEpisodes: 1, checkpointEvery: 200, replayCapacity: 1000 };

function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim());
}

describe('files the trainer writes', () => {
  it('removes the temp files of killed writers and keeps those of live ones', async () => {
    const run = mkdtempSync(join(tmpdir(), 'prunerl-atomic-'));
    await train(resolveConfig(small), { out: run });
    const dead = deadPid();
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const stale = ['config.json', 'summary.json', 'checkpoint.prl', 'policy.prl', 'metrics.jsonl', 'metrics.csv'].map((f) => `.${f}.${dead}.tmp`);
    const kept = `.checkpoint.prl.${live.pid}.tmp`;
    for (const name of [...stale, kept]) writeFileSync(join(run, name), 'half a file');
    try {
      await train(resolveConfig(small), { out: run, resume: true });
      const left = readdirSync(run).filter((n) => n.endsWith('.tmp'));
      expect(left).toEqual([kept]);
      expect(existsSync(join(run, 'summary.json'))).toBe(true);
    } finally {
      live.kill();
    }
  }, 60_000);
});

describe('unreadable run files', () => {
  it('a sweep meeting an empty config.json names it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prunerl-emptycfg-'));
    writeFileSync(join(dir, 'config.json'), '');
    expect(() => writeRunConfig(dir, { id: 'r', config: { seed: 0 }, point: { seed: 0 } })).toThrow(new RegExp(`^Expected ${join(dir, 'config.json')} to hold run r's config as JSON but it is unreadable`));
  });

  it('a report meeting an empty summary.json names it', () => {
    const sweepDir = mkdtempSync(join(tmpdir(), 'prunerl-emptysum-'));
    const runs = [{ id: 'seed0', config: { seed: 0 }, point: { seed: 0 } }];
    prepareSweepDir(sweepDir, { name: 'e', base: {}, grid: { seed: [0] } }, runs);
    writeFileSync(join(runDirOf(sweepDir, 'seed0'), 'summary.json'), '');
    expect(() => loadSweepResults(sweepDir)).toThrow(/^Expected JSON in .*seed0\/summary.json but it is unreadable/);
  });
});
