// `prunerl export`: flags → exportOnnx → the printed report (size, parameters kept, latency table).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Command } from 'commander';
import { registerExportCommand } from '../../src/cli/commands/export.js';
import { savePolicy } from '../../src/train/policy_file.js';
import { makePolicy, prune } from './policies.js';

const dir = mkdtempSync(join(tmpdir(), 'prunerl-export-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = join(dir, 'run');
mkdirSync(run);
const policy = makePolicy({ net: 'minatar', head: 'dueling', width: 1, seed: 12 });
prune(policy.network, 0.5, 0.95);
savePolicy(join(run, 'policy.prl'), policy);
policy.network.dispose();

/** Runs `prunerl export ...args` and returns what it printed, or the error it threw. */
async function exportCommand(...args: string[]): Promise<{ lines: string[]; error?: string }> {
  const program = new Command('prunerl').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerExportCommand(program);
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
  try {
    await program.parseAsync(['node', 'prunerl', 'export', ...args]);
    return { lines };
  } catch (err) {
    return { lines, error: (err as Error).message };
  } finally {
    log.mockRestore();
  }
}

describe('prunerl export', () => {
  it('rejects bad flags with one line, writing nothing', async () => {
    const out = join(dir, 'bad.onnx');
    expect((await exportCommand(run)).error).toMatch(/required option '--out <file>'/);
    expect((await exportCommand(run, '--out', out, '--opset', 'new')).error).toBe("Expected an integer in [1, 21] for --opset but received 'new'");
    expect((await exportCommand(run, '--out', out, '--opset', '9')).error).toMatch(/^Expected an opset ≥ 10 \(the dueling head needs Slice/);
    expect((await exportCommand(run, '--out', out, '--sparse-indices', 'int16')).error).toBe("Expected one of int64, compact for --sparse-indices but received 'int16'");
    expect((await exportCommand(join(dir, 'no-run'), '--out', out)).error).toMatch(/^Expected a run directory with a policy\.prl/);
    expect(existsSync(out)).toBe(false);
  });

  it('writes the file and prints its size against the dense one, the parameters kept and the latency', async () => {
    const out = join(dir, 'policy.onnx');
    const { lines, error } = await exportCommand(run, '--out', out, '--sparse');
    expect(error).toBeUndefined();
    expect(existsSync(out)).toBe(true);
    const text = lines.join('\n');
    console.log(text);
    expect(text).toMatch(/wrote .*policy\.onnx \(opset 17, sparse initializers for 2 of 3 weight layers\)/);
    expect(text).toMatch(/file size: [\d,]+ bytes .*; dense: [\d,]+ bytes .*, [\d.]+× larger/);
    expect(text).toMatch(/parameters kept: [\d,]+ of [\d,]+ \(\d+\.\d% pruned\)/);
    expect(text).toMatch(/onnxruntime [\d.]+ +[\d.]+ +[\d.]+/);
    expect(text).toMatch(/prunerl native \(\w+\) +[\d.]+ +[\d.]+/);
    // What it checked, against the native policy: a tiny |Δq| and every greedy action the same.
    const check = /checked in onnxruntime against the native policy on 256 random observations: max \|Δq\| ([\d.e+-]+) \(max \|q\| [\d.]+\), greedy actions agree on (\d+)\/256/.exec(text);
    expect(check, text).not.toBeNull();
    expect(Number(check![1])).toBeLessThan(1e-4);
    expect(Number(check![2])).toBeGreaterThanOrEqual(255); // a near-tie of two Q-values may break either way
  });

  it('skips the latency table with --no-latency', async () => {
    const { lines, error } = await exportCommand(run, '--out', join(dir, 'quick.onnx'), '--no-latency', '--opset', '13');
    expect(error).toBeUndefined();
    expect(lines.join('\n')).toMatch(/opset 13, dense/);
    expect(lines.join('\n')).not.toMatch(/latency/);
  });
});
