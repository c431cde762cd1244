// The queue trusts nothing it reads from Redis (issue 15 item 7), checked without a Redis server: a job's sweep
// and run id must each be one safe path segment and its config must validate, so no job can write outside
// --work-dir; sweep grids whose values would make such a run id are refused too.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRunJob } from '../../src/sweep/run_job.js';
import { planSweep } from '../../src/sweep/run_sweep.js';
import { parseSweepSpec } from '../../src/sweep/sweep_spec.js';

const workDir = mkdtempSync(join(tmpdir(), 'prunerl-work-'));
const config = { env: 'CartPole-v1', frames: 5000 };

describe('queued job payloads', () => {
  it('refuses run ids and sweep names that are not one safe path segment', () => {
    for (const runId of ['..', '.', '../escape', 'a/b', 'a\\b', '/etc', 'x\u0000y', 'line\nbreak', '', 'x'.repeat(201)]) {
      expect(() => checkRunJob({ sweep: 's', runId, config }, workDir)).toThrow(/^Expected job.runId to be a single path segment/);
    }
    expect(() => checkRunJob({ sweep: '..', runId: 'r', config }, workDir)).toThrow(/^Expected job.sweep to be a single path segment .* it is '..'/);
    expect(() => checkRunJob({ sweep: 's', runId: 42, config }, workDir)).toThrow(/job.runId .* not a non-empty string/);
  });

  it('refuses configs that do not validate, naming the key', () => {
    expect(() => checkRunJob({ sweep: 's', runId: 'r', config: { batchSize: -1 } }, workDir)).toThrow(/job.config of run 'r'.*batchSize/);
    expect(() => checkRunJob({ sweep: 's', runId: 'r', config: JSON.parse('{"__proto__": {"frames": 1}}') }, workDir)).toThrow(/__proto__/);
    expect(() => checkRunJob({ sweep: 's', runId: 'r', config: 'frames=1' }, workDir)).toThrow(/job.config to be an object/);
    expect(() => checkRunJob(null, workDir)).toThrow(/Expected a job object/);
  });

  it('accepts a well-formed job and gives its folder inside the work dir', () => {
    const { dir, job } = checkRunJob({ sweep: 'minatar-1m', runId: 'minatar-breakout_w1_s0.95_seed0', config }, workDir);
    expect(dir).toBe(join(workDir, 'minatar-1m', 'minatar-breakout_w1_s0.95_seed0'));
    expect(job.config).toEqual(config);
  });
});

describe('sweep grid run ids', () => {
  it('refuses a grid whose values make a run id that is not a safe folder name', () => {
    const spec = parseSweepSpec({ name: 'g', grid: { env: ['..'] } }, 'g.json');
    expect(() => planSweep(spec, {})).toThrow(/run id '..' is not a single path segment/);
    const fine = parseSweepSpec({ name: 'g', grid: { env: ['CartPole-v1'], seed: [0, 1] } }, 'g.json');
    expect(planSweep(fine, {}).map((r) => r.id)).toEqual(['CartPole-v1_seed0', 'CartPole-v1_seed1']);
  });
});
