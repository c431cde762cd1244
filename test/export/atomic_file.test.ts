// writeFileAtomic: a failed or killed export never leaves a truncated file at the output path.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import ts from 'typescript';
import { atomicTempPath, writeFileAtomic } from '../../src/export/atomic_file.js';

const dir = mkdtempSync(join(tmpdir(), 'prunerl-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('writes all chunks and leaves no temp file', () => {
    const path = join(dir, 'a.bin');
    writeFileAtomic(path, [Uint8Array.of(1, 2), Uint8Array.of(3)]);
    expect(Array.from(readFileSync(path))).toEqual([1, 2, 3]);
    expect(readdirSync(dir)).toEqual(['a.bin']);
  });

  it('keeps the old file and removes the temp file when producing the bytes fails midway', () => {
    const path = join(dir, 'b.bin');
    writeFileSync(path, 'old');
    function* chunks(): Generator<Uint8Array> {
      yield new Uint8Array(1 << 16);
      throw new Error('encoder failed');
    }
    expect(() => writeFileAtomic(path, chunks())).toThrow('encoder failed');
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(existsSync(atomicTempPath(path))).toBe(false);
  });

  it('keeps the old file when the process is killed in the middle of writing', () => {
    const path = join(dir, 'c.bin');
    writeFileSync(path, 'old');
    // A child writes 1 MiB, then SIGKILLs itself before the rest: no handler, no cleanup can run. It runs the real
    // source, transpiled (it imports only node: modules).
    const source = readFileSync(new URL('../../src/export/atomic_file.ts', import.meta.url), 'utf8');
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    const moduleDir = mkdtempSync(join(tmpdir(), 'prunerl-atomic-module-'));
    const module = join(moduleDir, 'atomic_file.mjs');
    writeFileSync(module, js);
    const script = `
      import { writeFileAtomic } from ${JSON.stringify(module)};
      function* chunks() { yield new Uint8Array(1 << 20); process.kill(process.pid, 'SIGKILL'); yield new Uint8Array(1); }
      writeFileAtomic(${JSON.stringify(path)}, chunks());`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script]);
    rmSync(moduleDir, { recursive: true, force: true });
    expect(child.signal, child.stderr.toString()).toBe('SIGKILL');
    expect(readFileSync(path, 'utf8')).toBe('old');
    const temps = readdirSync(dir).filter((f) => f.startsWith('.c.bin.'));
    expect(temps).toHaveLength(1); // the partial bytes went only to the hidden temp file
  });
});
