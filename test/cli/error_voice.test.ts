// One voice for refusals (issue 13 item 5): every mistake below prints one line starting "prunerl:", names the
// flag as the user typed it (and what is allowed), and exits with status 2, commander's own errors included.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

const finishedRun = mkdtempSync(join(tmpdir(), 'prunerl-voice-'));
writeFileSync(join(finishedRun, 'summary.json'), '{}');

/** [what the user typed, a pattern the one line must match] */
const mistakes: [string[], RegExp][] = [
  [['train', '--batch', '32'], /unknown option '--batch'.*--set batchSize=<value>/],
  [['train', '--batch-size=32'], /unknown option '--batch-size=32'.*--set batchSize=<value>/],
  [['train', '--lr', '1e-3'], /unknown option '--lr'/],
  [['trian'], /unknown command 'trian'.*Did you mean train\?/],
  [['train', '--frames'], /option '--frames <n>' argument missing/],
  [['train', '--sparsity', '2'], /^Expected a number in \[0, 1\) for --sparsity but received '2'$/],
  [['train', '--sparsity', '-0.1'], /^Expected a number in \[0, 1\) for --sparsity but received '-0.1'$/],
  [['train', '--sparsity', 'half'], /^Expected a decimal number for --sparsity but received 'half'$/],
  [['train', '--width', '0'], /^Expected an integer in \[1, 64\] for --width but received '0'$/],
  [['train', '--width', '1.5'], /^Expected an integer in \[1, 64\] for --width but received '1.5'$/],
  [['train', '--frames', '0'], /^Expected an integer in \[1, ∞\) for --frames but received '0'$/],
  [['train', '--seed', '-1'], /^Expected an integer in \[0, ∞\) for --seed but received '-1'$/],
  [['train', '--agent', 'ppo'], /^Expected one of dqn, rainbow, iqn, miqn, sac(, [a-z0-9-]+)* for --agent but received 'ppo'$/],
  [['train', '--net', 'resnet'], /^Expected one of mlp, minatar, nature, impala for --net but received 'resnet'$/],
  [['train', '--schedule', 'cosine'], /^Expected one of polynomial, constant for --schedule but received 'cosine'$/],
  [['train', '--distribution', 'random'], /^Expected one of uniform, erk, global for --distribution but received 'random'$/],
  [['train', '--device', 'tpu'], /^Expected one of cpu, cuda for --device but received 'tpu'$/],
  [['train', '--preset', 'atari'], /for --preset but received 'atari'$/],
  // The env is checked before the frame arithmetic: the typo is what gets reported.
  [['train', '--env', 'CartPol-v1', '--frames', '100'], /^Expected a registered environment for --env but received 'CartPol-v1'; known: .*CartPole-v1/],
  [['train', '--frames', '100'], /learningStarts \(1000\) must be < frames \(100\).*--set learningStarts=10/],
  [['train', '--out', finishedRun], /for --out but .* holds a run \(summary\.json\); pass --resume to continue it or --force to overwrite it$/],
  [['bench', 'train', '--sparsity', '1'], /^Expected a number in \[0, 1\) for --sparsity but received '1'$/],
  [['bench', 'train', '--net', 'resnet'], /for --net but received 'resnet'$/],
  [['export'], /missing required argument|argument missing|required option/],
];

afterEach(() => { process.exitCode = undefined; });

describe('every refusal: one line, the flag as typed, exit status 2', () => {
  for (const [args, pattern] of mistakes) {
    it(`prunerl ${args.join(' ')}`, async () => {
      const lines: string[] = [];
      const error = vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => { lines.push(parts.join(' ')); });
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      try {
        await main(['node', 'prunerl', ...args]);
      } finally {
        error.mockRestore(); warn.mockRestore(); stderr.mockRestore(); stdout.mockRestore();
      }
      const exitCode = process.exitCode;
      process.exitCode = undefined;
      expect(exitCode).toBe(2);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^prunerl: /);
      expect(lines[0]!.replace(/^prunerl: /, '')).toMatch(pattern);
      expect(lines[0]).not.toContain('\n');
    });
  }
});
