// `prunerl sweep`, `worker` and `report` as commander commands: flag errors in one line, then a small sweep
// with the fake trainer and its report, end to end.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { registerReportCommand } from '../../src/cli/commands/report.js';
import { registerSweepCommand } from '../../src/cli/commands/sweep.js';
import { registerWorkerCommand } from '../../src/cli/commands/worker.js';
import { repoRoot } from '../helpers/transpiled_src.js';

const root = mkdtempSync(join(tmpdir(), 'prunerl-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function program(): Command {
  const p = new Command('prunerl').exitOverride();
  registerSweepCommand(p);
  registerWorkerCommand(p);
  registerReportCommand(p);
  return p;
}
const run = (...args: string[]) => program().parseAsync(args, { from: 'user' });

describe('sweep, worker and report commands', () => {
  it('reject bad flags in one line naming the flag', async () => {
    await expect(run('sweep', 'x.json', '--jobs', '0')).rejects.toThrow("Expected an integer in [1, 1024] for --jobs but received '0'");
    await expect(run('sweep', 'x.json', '--detach')).rejects.toThrow('Expected --queue with --detach but received no --queue');
    await expect(run('sweep', 'x.json', '--queue', 'localhost:6379')).rejects.toThrow("for --queue but received 'localhost:6379'");
    await expect(run('sweep', join(root, 'missing.json'))).rejects.toThrow(/^Cannot read sweep file .*missing\.json: ENOENT$/);
    await expect(run('worker', '--queue', 'redis:/x')).rejects.toThrow("Expected a Redis URL (redis://host:port) for --queue but received 'redis:/x'");
    await expect(run('report', root, '--reps', 'many')).rejects.toThrow("Expected an integer in [1, 10000000] for --reps but received 'many'");
  });

  it('runs a sweep and reports on it', async () => {
    const file = join(root, 'small.json');
    writeFileSync(file, JSON.stringify({
      name: 'small', base: { frames: 300, agent: 'dqn', fakeEvals: 3, fakeEvalMs: 30 },
      grid: { env: ['fake/a'], width: [1, 3], sparsity: [0, 0.9] },
    }));
    const out = join(root, 'small');
    const saved = process.env.PRUNERL_TRAIN_COMMAND;
    process.env.PRUNERL_TRAIN_COMMAND = JSON.stringify([process.execPath, join(repoRoot, 'test', 'fixtures', 'fake_trainer.mjs')]);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const logs = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await run('sweep', file, '--out', out, '--jobs', '2', '--quiet');
      expect(errors.mock.calls.flat().join('\n')).toContain('4 runs, 4 finished now, 0 already finished, 0 failed, 0 not finished');
      await run('report', out, '--reps', '500', '--normalize', 'minmax');
      expect(logs.mock.calls.flat().join('\n')).toMatch(/\| ×3 90% \| 1 \| 1 \| 1\.000 \[1\.000, 1\.000\] \|/);
      for (const f of ['report.html', 'report.json', 'iqm_vs_width.png', 'learning_curves.svg']) expect(existsSync(join(out, 'report', f)), f).toBe(true);
    } finally {
      errors.mockRestore();
      logs.mockRestore();
      if (saved === undefined) delete process.env.PRUNERL_TRAIN_COMMAND;
      else process.env.PRUNERL_TRAIN_COMMAND = saved;
      process.exitCode = 0;
    }
  });
});
