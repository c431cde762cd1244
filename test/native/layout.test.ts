// The native layers of ../shared/DESIGN.md, checked on the sources' #include lines:
//   native/base (errors, SIMD detection, thread pool, aligned buffers, rng) includes nothing of ours above it;
//   native/ops (each op's contract: shapes, argument struct, reference and fast entry points) includes only base/ops;
//   native/cpu and native/cuda implement the ops and never include each other;
//   native/model (Network, layers, optimizers) includes no backend directory (cpu/, cuda/), only ops contracts;
//   nothing below native/napi includes it; nothing shipped includes the kernel workbench native/dev.
// And, read from the calls: native/model calls no backend entry point that ops/*.h declares (gemm, spmm, im2col, …,
// cpuOps) except as a member of the device table it was given (ops_.gemm(…), ops_->spmm(…)).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const nativeDir = join(import.meta.dirname, '..', '..', 'native');
const layers = ['base', 'ops', 'cpu', 'cuda', 'model', 'napi'] as const;
type Layer = (typeof layers)[number];

const sourcesOf = (layer: Layer) => readdirSync(join(nativeDir, layer)).filter((f) => /\.(h|cpp|cu|cuh)$/.test(f));

/** Every "quoted" include of every source file in a layer, as [file, included path]. */
function includesOf(layer: Layer): [string, string][] {
  const out: [string, string][] = [];
  for (const file of sourcesOf(layer)) {
    const text = readFileSync(join(nativeDir, layer, file), 'utf8');
    for (const m of text.matchAll(/^\s*#\s*include\s+"([^"]+)"/gm)) out.push([`${layer}/${file}`, m[1]]);
  }
  return out;
}

/** The includes that reach a directory outside `allowed`. */
function outside(includes: [string, string][], allowed: string[]): string[] {
  return includes
    .filter(([, path]) => !allowed.some((dir) => path.startsWith(`${dir}/`)))
    .map(([file, path]) => `${file} includes ${path}`);
}
const violations = (layer: Layer, allowed: string[]) => outside(includesOf(layer), allowed);

const withoutComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');

// Declared in ops/ but not kernels of any backend: shape checks of a contract, and the host CsrMatrix structure's
// constructors that every device's entries take (a CUDA entry copies the host structure to the device).
const hostHelpers = new Set(['validateConv2d', 'validatePool2d', 'csrFromDense', 'csrToDense', 'linesByLength', 'adamStepState']);

/** `text` with each namespace nested in prunerl cut out, as [its name, its body], and what is left. */
function nestedNamespaces(text: string): { outer: string; nested: [string, string][] } {
  const nested: [string, string][] = [];
  let outer = text;
  for (let m; (m = /^namespace (?!prunerl\b)(\w+) \{/m.exec(outer)) !== null;) {
    let depth = 1, end = m.index + m[0].length;
    for (; depth > 0 && end < outer.length; end++) depth += outer[end] === '{' ? 1 : outer[end] === '}' ? -1 : 0;
    nested.push([m[1], outer.slice(m.index + m[0].length, end - 1)]);
    outer = outer.slice(0, m.index) + outer.slice(end);
  }
  return { outer, nested };
}

/** The free functions ops/*.h declare that a backend defines (its kernel entry points, and the table getters); one
 *  declared in a nested namespace (ops/value_head.h's value_head::) by its qualified name, the only way to call it. */
function backendEntryPoints(): string[] {
  const names = new Set<string>();
  // Column-0 declarations are the free functions (struct members are indented); inline ones are defined in the header.
  const declared = (text: string) =>
    [...text.matchAll(/^(?!inline\b|using\b|struct\b|enum\b|namespace\b|#)(?:const\s+)?[A-Za-z][\w:<>]*[&*]?\s+[&*]?(\w+)\(/gm)]
      .map((m) => m[1]).filter((name) => !hostHelpers.has(name));
  for (const file of sourcesOf('ops')) {
    const { outer, nested } = nestedNamespaces(withoutComments(readFileSync(join(nativeDir, 'ops', file), 'utf8')));
    for (const name of declared(outer)) names.add(name);
    for (const [ns, body] of nested) for (const name of declared(body)) names.add(`${ns}::${name}`);
  }
  return [...names].sort();
}

/** Calls of an entry point in `sources` ([name, text]) that do not go through a table member (`.x(` or `->x(`). */
function directCalls(sources: [string, string][], entryPoints: string[]): string[] {
  const out: string[] = [];
  for (const [file, text] of sources) {
    const code = withoutComments(text);
    for (const name of entryPoints)
      if (new RegExp(`(?<![\\w.]|->)${name}\\s*\\(`).test(code)) out.push(`${file} calls ${name} directly`);
  }
  return out;
}
const modelSources = (): [string, string][] =>
  sourcesOf('model').map((f) => [`model/${f}`, readFileSync(join(nativeDir, 'model', f), 'utf8')]);

describe('native layout (DESIGN.md layers, read from #include lines)', () => {
  it('finds sources in every layer (so an empty glob cannot pass the checks below)', () => {
    for (const layer of layers) expect(sourcesOf(layer).length, layer).toBeGreaterThan(0);
  });

  it('native/base includes nothing above it', () => {
    expect(violations('base', ['base'])).toEqual([]);
  });

  it('native/ops contracts include only base and other contracts', () => {
    expect(violations('ops', ['base', 'ops'])).toEqual([]);
  });

  it('native/cpu never includes native/cuda, nor anything above the ops', () => {
    expect(violations('cpu', ['base', 'ops', 'cpu'])).toEqual([]);
  });

  it('native/cuda never includes native/cpu, nor anything above the ops', () => {
    expect(violations('cuda', ['base', 'ops', 'cuda'])).toEqual([]);
  });

  it('native/model includes no backend (cpu/, cuda/) and nothing of napi', () => {
    expect(violations('model', ['base', 'ops', 'model'])).toEqual([]);
  });

  it('native/cuda_emu (the host emulator the .cu files are also compiled against) includes only itself', () => {
    const dir = join(nativeDir, 'cuda_emu');
    const files = [...readdirSync(dir).filter((f) => /\.(h|cpp)$/.test(f)).map((f) => join(dir, f)), join(dir, 'include', 'cuda_runtime.h')];
    const bad = files.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/^\s*#\s*include\s+"([^"]+)"/gm)]
      .map((m) => m[1]).filter((path) => !path.startsWith('cuda_emu/')).map((path) => `${file} includes ${path}`));
    expect(files.length).toBeGreaterThan(5);
    expect(bad).toEqual([]);
  });

  it('nothing shipped includes the kernel workbench (native/dev is built only with PRUNERL_WORKBENCH)', () => {
    const intoDev = layers.flatMap((layer) => includesOf(layer)).filter(([, path]) => path.startsWith('dev/'));
    expect(intoDev).toEqual([]);
    expect(readdirSync(join(nativeDir, 'dev'))).toContain('bench_kernels.cu');
  });

  it('native/model calls every op through its device table, never a backend entry point ops/*.h declares', () => {
    const entryPoints = backendEntryPoints();
    // The parse found the entry points the model runs (so an empty or broken parse cannot pass).
    for (const name of ['gemm', 'spmm', 'spmmBackward', 'im2col', 'col2im', 'maxPool2dForward', 'biasAdd', 'addInPlace',
      'huberLoss', 'softmaxCrossEntropyWeighted', 'argmaxRows', 'adamStep', 'rmspropStep', 'magnitudePrune', 'cpuOps',
      'value_head::tdLoss', 'value_head::c51Probabilities'])
      expect(entryPoints).toContain(name);
    expect(entryPoints).not.toContain('missingModelOp');  // inline in the header: no backend's code
    expect(directCalls(modelSources(), entryPoints)).toEqual([]);
  });

  it('the call checker flags a direct or qualified call and lets table calls and comments through', () => {
    const entryPoints = ['gemm', 'biasGrad', 'cpuOps'];
    const sources: [string, string][] = [
      ['model/a.cpp', 'void f() { ops_.gemm(g); ops_->biasGrad(dy, 1, 2, db); biasGrad.data(); } // gemm(g) here'],
      ['model/b.cpp', 'void f() { prunerl::biasGrad(dy, 1, 2, db); }'],
      ['model/c.cpp', 'void f() { gemm (g); }'],
      ['model/d.cpp', 'const DeviceOps& o = cpuOps();'],
      ['model/e.cpp', 'void f() { value_head::tdLoss(a); prunerl::value_head::tdLoss(a); tdLoss(a); ops_.tdLoss(a); }'],
    ];
    expect(directCalls(sources, [...entryPoints, 'value_head::tdLoss'])).toEqual([
      'model/b.cpp calls biasGrad directly', 'model/c.cpp calls gemm directly', 'model/d.cpp calls cpuOps directly',
      'model/e.cpp calls value_head::tdLoss directly']);
  });

  it('the checker flags an include across backends and lets an allowed one through', () => {
    const includes: [string, string][] = [['cuda/x.cu', 'cpu/gemm_kernels.h'], ['cuda/x.cu', 'ops/gemm.h']];
    expect(outside(includes, ['base', 'ops', 'cuda'])).toEqual(['cuda/x.cu includes cpu/gemm_kernels.h']);
  });
});
