// Tests that start real child processes running our code (a `prunerl worker` killed mid-run) need JavaScript,
// and dist/ may be stale or missing. This transpiles src/ as it is now (no type check: tsc does that) into a
// folder under node_modules/.cache, where the project's dependencies still resolve.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function* tsFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* tsFiles(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield path;
  }
}

/** Returns the folder holding src/ as .js (same layout); `dispose` removes it. */
export function transpileSrc(): { dir: string; dispose(): void } {
  const dir = join(repoRoot, 'node_modules', '.cache', `prunerl-test-src-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  const src = join(repoRoot, 'src');
  for (const file of tsFiles(src)) {
    const out = join(dir, relative(src, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(out), { recursive: true });
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: file,
    });
    writeFileSync(out, outputText);
  }
  // Inside node_modules the package scope stops, so say again that these are ES modules.
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
