// Files that prove they are intact (issue 15 item 4): checkpoint.prl and policy.prl end in a SHA-256 of header and
// tensors; a flipped byte anywhere is a one-line error naming the file; the header is validated as a fresh config
// is; tensor tables pointing outside the file are refused; old files without a checksum load with a warning; a
// FIFO, a device or a directory is refused without blocking.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readArchive, writeArchive } from '../../src/train/archive.js';
import { readCheckpointHeader } from '../../src/train/checkpoint.js';
import { loadPolicy } from '../../src/train/policy_file.js';
import { resolveConfig } from '../../src/train/train_config.js';
import { train } from '../../src/train/trainer.js';
import { repoRoot, transpileSrc } from '../helpers/transpiled_src.js';

const small = { env: 'CartPole-v1', frames: 600, learningStarts: 200, evalEvery: 600, evalEpisodes: 1, checkpointEvery: 300, replayCapacity: 1000 };
let run = '';

beforeAll(async () => {
  run = mkdtempSync(join(tmpdir(), 'prunerl-checksum-'));
  await train(resolveConfig(small), { out: run });
}, 60_000);

function flipped(file: string, at: (length: number) => number): string {
  const bytes = readFileSync(file);
  const i = at(bytes.length);
  bytes[i] = bytes[i]! ^ 0x01;
  const copy = join(mkdtempSync(join(tmpdir(), 'prunerl-flip-')), 'altered.prl');
  writeFileSync(copy, bytes);
  return copy;
}

/** Rewrites an archive's header JSON (keeping its tensors) and re-signs it, as someone forging a file would. */
function withHeader(file: string, edit: (header: Record<string, unknown>) => void): string {
  const { header, tensors } = readArchive<Record<string, unknown>>(file);
  edit(header);
  const copy = join(mkdtempSync(join(tmpdir(), 'prunerl-forged-')), 'forged.prl');
  writeArchive(copy, header, tensors);
  return copy;
}

describe('checksummed archives', () => {
  it('refuses a checkpoint or policy with one flipped bit in the header, the tensors or the checksum', () => {
    for (const name of ['checkpoint.prl', 'policy.prl']) {
      const file = join(run, name);
      for (const at of [(n: number) => 20, (n: number) => Math.floor(n / 2), (n: number) => n - 40, (n: number) => n - 1]) {
        const altered = flipped(file, at);
        const load = name === 'policy.prl' ? () => loadPolicy(altered) : () => readCheckpointHeader(altered);
        expect(load).toThrow(new RegExp(`${altered.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*checksum does not match`));
      }
    }
  });

  it('still loads the intact files', () => {
    expect(readCheckpointHeader(join(run, 'checkpoint.prl')).config.frames).toBe(600);
    const policy = loadPolicy(run);
    expect(policy.network.params().length).toBeGreaterThan(0);
    policy.network.dispose();
  });

  it('validates checkpoint header values as a fresh config is validated', () => {
    const file = join(run, 'checkpoint.prl');
    const zeroBatch = withHeader(file, (h) => { (h.config as Record<string, unknown>).batchSize = 0; });
    expect(() => readCheckpointHeader(zeroBatch)).toThrow(/valid config in checkpoint .*batchSize/);
    const noEval = withHeader(file, (h) => { (h.config as Record<string, unknown>).evalEvery = -5; });
    expect(() => readCheckpointHeader(noEval)).toThrow(/evalEvery/);
    const pastEnd = withHeader(file, (h) => { (h.loop as Record<string, unknown>).frames = 10 ** 9; });
    expect(() => readCheckpointHeader(pastEnd)).toThrow(/loop.frames .* ≤ config.frames/);
    const badCount = withHeader(file, (h) => { (h.loop as Record<string, unknown>).metricsRows = -1; });
    expect(() => readCheckpointHeader(badCount)).toThrow(/loop.metricsRows/);
  });

  it('refuses tensor entries whose offset or length point outside the file, even with a valid checksum', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prunerl-table-'));
    const signedArchive = (name: string, entry: object): string => {
      const raw = Buffer.from(JSON.stringify({ kind: 'x', tensors: [entry] }));
      const body = Buffer.alloc(((8 + 4 + raw.length + 7) & ~7) + 16);
      body.write('PRUNERL2', 0, 'ascii');
      body.writeUInt32LE(raw.length, 8);
      raw.copy(body, 12);
      const file = join(dir, name);
      writeFileSync(file, Buffer.concat([body, createHash('sha256').update(body).digest()]));
      return file;
    };
    const farOffset = signedArchive('far.prl', { name: 'w', kind: 'Float32Array', offset: 2 ** 30, length: 4 });
    expect(() => readArchive(farOffset)).toThrow(/tensor 'w' within .*far.prl/);
    const longLength = signedArchive('long.prl', { name: 'w', kind: 'Float32Array', offset: 0, length: 5 });
    expect(() => readArchive(longLength)).toThrow(/tensor 'w' within .*long.prl/);
    const negative = signedArchive('neg.prl', { name: 'w', kind: 'Float32Array', offset: -8, length: 2 });
    expect(() => readArchive(negative)).toThrow(/tensor entries .* in .*neg.prl/);
    const inside = signedArchive('ok.prl', { name: 'w', kind: 'Float32Array', offset: 0, length: 4 });
    expect(readArchive(inside).tensors.get('w')).toHaveLength(4);
  });

  it('loads an old archive without a checksum, with a one-line warning naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prunerl-old-'));
    const file = join(dir, 'old.prl');
    writeArchive(file, { kind: 'x' }, new Map([['w', new Float32Array([1, 2, 3])]]));
    const bytes = readFileSync(file);
    bytes.write('PRUNERL1', 0, 'ascii');
    writeFileSync(file, bytes.subarray(0, bytes.length - 32));
    const warnings: string[] = [];
    const archive = readArchive(file, { warn: (m) => warnings.push(m) });
    expect(Array.from(archive.tensors.get('w')!)).toEqual([1, 2, 3]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/old.prl has no checksum/);
  });

  it('refuses a directory, a device and a FIFO without blocking (in a child process, so a hang is a timeout)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prunerl-notfile-'));
    const fifo = join(dir, 'pipe.prl');
    execFileSync('mkfifo', [fifo]);
    const compiled = transpileSrc(['train/archive.ts']);
    try {
      const script = `
        import { readArchive } from ${JSON.stringify(join(compiled.dir, 'train', 'archive.js'))};
        for (const load of [() => readArchive(${JSON.stringify(dir)}), () => readArchive('/dev/zero'), () => readArchive(${JSON.stringify(fifo)})]) {
          try { load(); console.log('loaded'); } catch (err) { console.log(err.message); }
        }`;
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8', timeout: 30_000 });
      expect(child.signal).toBeNull();
      expect(child.stderr.slice(-1500) + `status ${child.status}`).toMatch(/status 0$/);
      const lines = child.stdout.trim().split('\n');
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(/regular file .* it is a directory/);
      expect(lines[1]).toMatch(/regular file for \/dev\/zero but it is a device/);
      expect(lines[2]).toMatch(/pipe.prl but it is a FIFO/);
      // loadPolicy and --resume go through readArchive, which refused the FIFO above without opening it.
      expect(() => loadPolicy(fifo)).toThrow(/pipe.prl but it is a FIFO/);
    } finally {
      compiled.dispose();
    }
  }, 40_000);
});
