// Tests that start real child processes running our code (a `prunerl worker` killed mid-run) need JavaScript,
// and dist/ may be stale or missing. This transpiles the files they need from src/ as they are now (no type check: tsc does that) into a
// folder under node_modules/.cache, where the project's dependencies still resolve.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The entry and every src/ file it imports, following relative `from './x.js'` imports. */
function importClosure(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s+'(\.{1,2}\/[^']+)\.js'/g)) {
      visit(join(dirname(file), `${m[1]}.ts`));
    }
  };
  visit(entry);
  return [...seen];
}

/**
 * Returns a folder holding `entries` (paths under src/, e.g. 'cli/commands/worker.ts') and what they import, as
 * .js in src/'s layout; `dispose` removes it.
 */
export function transpileSrc(entries: string[]): { dir: string; dispose(): void } {
  const dir = join(repoRoot, 'node_modules', '.cache', `prunerl-test-src-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  const src = join(repoRoot, 'src');
  const files = new Set(entries.flatMap((e) => importClosure(join(src, e))));
  for (const file of files) {
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
