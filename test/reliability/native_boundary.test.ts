// The native boundary never crashes the process (issue 15 item 1): hostile arguments that run user code in the
// middle of a native call (getters and Proxy traps that dispose the object, detach, transfer or shrink a buffer
// the call already read, or run gc()), specs that never end (a residual body containing itself, deep nesting),
// and objects that only look like ours. Each case runs in a child process (fixtures/hostile_native.mjs, with
// --expose-gc), so a segfault is a failed assertion on the exit status instead of a dead test runner; the child
// must exit 0 and report the error (or the value) the case expects.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/hostile_native.mjs', import.meta.url));

interface Outcome {
  outcome: 'returned' | 'threw';
  name?: string;
  message?: string;
  value?: unknown;
}

function runCase(name: string): { status: number | null; signal: string | null; outcome?: Outcome; stderr: string } {
  const child = spawnSync(process.execPath, ['--expose-gc', fixture, name], { encoding: 'utf8', timeout: 60_000 });
  const last = child.stdout.trim().split('\n').pop() ?? '';
  let outcome: Outcome | undefined;
  try { outcome = JSON.parse(last) as Outcome; } catch { outcome = undefined; }
  return { status: child.status, signal: child.signal, outcome, stderr: child.stderr.slice(-2000) };
}

// [case, error class, message pattern] — or [case, 'returned', expected value].
const refused: [string, 'TypeError' | 'RangeError', RegExp][] = [
  ['residual body containing itself', 'RangeError', /residual blocks nested at most 16 deep in spec/],
  ['residual nested 100000 deep', 'RangeError', /residual blocks nested at most 16 deep in spec/],
  ['residual bodies sharing one block 4^12 times', 'RangeError', /at most 4096 layers in spec/],
  ['setOptimizer getter disposes the network', 'TypeError', /live Network .* disposed Network/],
  ['pruneLayers getter disposes the network', 'TypeError', /live Network .* disposed Network/],
  ['pruneGlobal getter disposes the network', 'TypeError', /live Network .* disposed Network/],
  ['setOptimizerState getter detaches an already-read tensor', 'TypeError', /state\.tensors\[0\] to stay attached/],
  ['setOptimizerState getter disposes the network', 'TypeError', /live Network .* disposed Network/],
  ['setOptimizerState with NaN', 'RangeError', /finite values in state\.tensors\[0\]/],
  ['copyFrom with Symbol.hasInstance disposing the target', 'TypeError', /live Network .* disposed Network/],
  ['copyFrom a Proxy of a Network', 'TypeError', /Expected a Network for other/],
  ['copyFrom an Object.create(Network.prototype)', 'TypeError', /Expected a Network for other/],
  ['a Network method called on a plain object', 'TypeError', /Illegal invocation/],
  ['magnitudePrune weights getter detaches weights[0]', 'TypeError', /weights\[0\] to stay attached/],
  ['magnitudePrune masks getter disposes the Tensor behind weights[0]', 'TypeError', /weights\[0\] to stay attached/],
  ['gemm options getter detaches a', 'TypeError', /Expected a to stay attached/],
  ['gemm options getter detaches the output c', 'TypeError', /Expected c to stay attached/],
  ['gemm options getter shrinks a resizable buffer', 'TypeError', /Expected a to stay attached/],
  ['matmul Proxy options detach x', 'TypeError', /Expected x to stay attached/],
  ['adamStep options getter detaches the params', 'TypeError', /to stay attached/],
  ['rmspropStep options getter detaches the squares', 'TypeError', /to stay attached/],
  ['conv2dForward options getter detaches the weights', 'TypeError', /to stay attached/],
  ['maxPool2dForward options getter detaches x', 'TypeError', /Expected x to stay attached/],
];
const returned: [string, unknown][] = [
  ['spec getter disposing nothing but running gc', 3],
  ['setOptimizer Proxy runs gc', 1],
  ['magnitudePrune with gc in every getter gives the clean thresholds', 'same thresholds'],
  ['a transferred Tensor view outlives dispose()', 48],
];

describe('native boundary under hostile arguments (each case in a child process)', () => {
  it('the fixture lists exactly the cases this file checks', () => {
    const child = spawnSync(process.execPath, [fixture, '--list'], { encoding: 'utf8' });
    const listed = JSON.parse(child.stdout) as string[];
    const checked = [...refused.map(([n]) => n), ...returned.map(([n]) => n), 'cuda.spmm on a CsrMatrix whose methods are overridden'];
    expect(listed.sort()).toEqual(checked.sort());
  });

  for (const [name, errorClass, pattern] of refused) {
    it(`${name}: exits 0 with a ${errorClass}`, () => {
      const r = runCase(name);
      expect(r.signal, r.stderr).toBeNull();
      expect(r.status, r.stderr).toBe(0);
      expect(r.outcome?.outcome, JSON.stringify(r.outcome)).toBe('threw');
      expect(r.outcome?.name).toBe(errorClass);
      expect(r.outcome?.message).toMatch(pattern);
      expect(r.outcome?.message).not.toContain('\n');
    });
  }

  for (const [name, value] of returned) {
    it(`${name}: exits 0 with the right result`, () => {
      const r = runCase(name);
      expect(r.status, r.stderr).toBe(0);
      expect(r.outcome, r.stderr).toEqual({ outcome: 'returned', value });
    });
  }

  it('cuda.spmm reads a CsrMatrix natively, not through methods JS can override', () => {
    const r = runCase('cuda.spmm on a CsrMatrix whose methods are overridden');
    expect(r.status, r.stderr).toBe(0);
    // Without a GPU the call is refused for want of a device; with one it computes the real 2×3 product.
    if (r.outcome?.outcome === 'threw') expect(r.outcome.message).toMatch(/no CUDA device|built without CUDA/);
    else if (typeof r.outcome?.value === 'object') expect(Object.keys(r.outcome.value as object)).toHaveLength(4);
  });
});
