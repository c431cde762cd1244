// exportOnnx: bad calls first (each a one-line error, nothing written), then the file: standard operators only,
// exact zeros for pruned weights, sparse initializers that hold exactly the kept weights, metadata, sizes.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { exportOnnx, policyToOnnx } from '../../src/export/export_onnx.js';
import { erkDistribution } from '../../src/prune/distribution.js';
import { savePolicy, type Policy } from '../../src/train/policy_file.js';
import { prunerlVersion } from '../../src/version.js';
import { rng, testSeed } from '../helpers/random.js';
import { makePolicy, nativeOutputs, ortOutputs, prune, randomObservations } from './policies.js';

const { onnx } = onnxProto;
const r = rng(testSeed);
const dir = mkdtempSync(join(tmpdir(), 'prunerl-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function withPolicy<T>(options: Parameters<typeof makePolicy>[0], fn: (p: Policy) => T): T {
  const policy = makePolicy(options);
  try {
    return fn(policy);
  } finally {
    policy.network.dispose();
  }
}

/** The error `fn` throws, checked to be one line. */
function oneLineError(fn: () => unknown): string {
  let message: string | null = null;
  try {
    fn();
  } catch (err) {
    message = (err as Error).message;
  }
  expect(message, 'expected an error').not.toBeNull();
  expect(message!.split('\n')).toHaveLength(1);
  return message!;
}

function floats(t: onnxProto.onnx.ITensorProto): Float32Array {
  return new Float32Array(Uint8Array.from(t.rawData!).buffer);
}
function indices(t: onnxProto.onnx.ITensorProto): number[] {
  const bytes = Uint8Array.from(t.rawData!).buffer;
  const T = onnx.TensorProto.DataType;
  if (t.dataType === T.INT64) return Array.from(new BigInt64Array(bytes), Number);
  if (t.dataType === T.INT32) return Array.from(new Int32Array(bytes));
  if (t.dataType === T.INT16) return Array.from(new Int16Array(bytes));
  return Array.from(new Int8Array(bytes));
}

describe('bad calls', () => {
  it('rejects a run directory without a policy, naming it, and writes nothing', () => {
    const empty = mkdtempSync(join(dir, 'empty-run-'));
    const out = join(dir, 'never.onnx');
    const message = oneLineError(() => exportOnnx(empty, { out }));
    expect(message).toContain('policy.prl');
    expect(message).toContain(empty);
    expect(existsSync(out)).toBe(false);
  });

  it('rejects output paths that cannot be written', () => {
    withPolicy({ net: 'mlp', head: 'q', width: 1, seed: 1 }, (policy) => {
      expect(oneLineError(() => exportOnnx(policy, { out: join(dir, 'no', 'such', 'folder', 'p.onnx') }))).toMatch(/for out .*no folder/);
      expect(oneLineError(() => exportOnnx(policy, { out: dir }))).toMatch(/file path for out .*is a directory/);
      expect(oneLineError(() => exportOnnx(policy, { out: '' }))).toMatch(/Expected a file path for out/);
      const locked = mkdtempSync(join(dir, 'locked-'));
      chmodSync(locked, 0o555);
      try {
        // root may write anywhere its permission bits say not to; /proc refuses new files even to root.
        const target = process.getuid?.() === 0 ? '/proc/prunerl-policy.onnx' : join(locked, 'p.onnx');
        expect(oneLineError(() => exportOnnx(policy, { out: target }))).toMatch(/writable path for out/);
        expect(existsSync(target)).toBe(false);
      } finally {
        chmodSync(locked, 0o755);
      }
    });
  });

  it('rejects an opset too old for an operator the network needs, naming the operator and the opset', () => {
    withPolicy({ net: 'minatar', head: 'dueling', width: 1, seed: 2 }, (policy) => {
      expect(oneLineError(() => policyToOnnx(policy, { opset: 9 }))).toBe(
        'Expected an opset ≥ 10 (the dueling head needs Slice, added in opset 10) for opset but received number 9');
      expect(oneLineError(() => policyToOnnx(policy, { opset: 6 }))).toMatch(/opset ≥ 7 \(layer 3 \(linear\) needs Gemm/);
      expect(() => policyToOnnx(policy, { opset: 10 })).not.toThrow();
    });
    withPolicy({ net: 'minatar', head: 'q', width: 1, seed: 2 }, (policy) => {
      expect(() => policyToOnnx(policy, { opset: 7 })).not.toThrow(); // a plain Q-head needs nothing newer
      expect(oneLineError(() => policyToOnnx(policy, { opset: 5 }))).toMatch(/opset ≥ 6 \(the observation input needs Cast/);
    });
  });

  it('rejects opsets and options outside what is supported', () => {
    withPolicy({ net: 'mlp', head: 'q', width: 1, seed: 3 }, (policy) => {
      expect(oneLineError(() => policyToOnnx(policy, { opset: 22 }))).toBe('Expected an integer in [1, 21] for opset but received number 22');
      expect(oneLineError(() => policyToOnnx(policy, { opset: 1.5 }))).toMatch(/for opset/);
      expect(oneLineError(() => policyToOnnx(policy, { sparseIndices: 'int32' as never }))).toBe(
        "Expected one of int64, compact for sparseIndices but received string 'int32'");
      expect(oneLineError(() => policyToOnnx(policy, { sparse: 'yes' as never }))).toMatch(/a boolean for sparse/);
      expect(oneLineError(() => exportOnnx({} as Policy, { out: join(dir, 'x.onnx') }))).toMatch(/for policy/);
      const observation = policy.observation;
      expect(oneLineError(() => policyToOnnx({ ...policy, observation: { ...observation, scale: 0 } }))).toBe(
        'Expected a finite, non-zero number for policy.observation.scale but received number 0');
      expect(oneLineError(() => policyToOnnx({ ...policy, observation: { ...observation, shape: [5] } }))).toBe(
        "Expected a shape with 4 elements (the network's input [4]) for policy.observation.shape but received [5]");
      expect(oneLineError(() => policyToOnnx({ ...policy, head: { kind: 'dueling', actions: 4 } }))).toBe(
        'Expected a network with 5 outputs for policy.network (a dueling head with 4 actions) but received one with 4');
    });
  });

  it('leaves an existing file untouched when an export fails', () => {
    const out = join(dir, 'kept.onnx');
    writeFileSync(out, 'previous export');
    withPolicy({ net: 'minatar', head: 'dueling', width: 1, seed: 4 }, (policy) => {
      oneLineError(() => exportOnnx(policy, { out, opset: 9 }));
    });
    expect(readFileSync(out, 'utf8')).toBe('previous export');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('the exported file', () => {
  it('uses only standard ONNX operators, has the documented inputs and outputs, and a dynamic batch', () => {
    withPolicy({ net: 'impala', head: 'c51-dueling', width: 1, seed: 5 }, (policy) => {
      const model = onnx.ModelProto.decode(policyToOnnx(policy, { sparse: true }).bytes);
      expect(model.opsetImport).toEqual([expect.objectContaining({ domain: '', version: expect.anything() })]);
      expect(Number(model.opsetImport[0].version)).toBe(17);
      const allowed = ['Cast', 'Div', 'Mul', 'Transpose', 'Conv', 'Relu', 'MaxPool', 'Add', 'Sub', 'Flatten', 'Gemm', 'Slice', 'ReduceMean', 'Reshape', 'Softmax', 'ReduceSum', 'ArgMax'];
      for (const node of model.graph!.node) {
        expect(allowed).toContain(node.opType);
        expect(node.domain ?? '').toBe('');
      }
      // Pixels scaled by 1/255 are divided by 255 in the graph: to float32 that is exactly our float32(obs)·(1/255).
      const div = model.graph!.node.find((n) => n.opType === 'Div')!;
      expect(div.input![0]).toBe('obs_float');
      expect(Array.from(floats(model.graph!.initializer.find((t) => t.name === div.input![1])!))).toEqual([255]);
      const [input] = model.graph!.input;
      expect(input.name).toBe('obs');
      expect(input.type!.tensorType!.elemType).toBe(onnx.TensorProto.DataType.UINT8);
      expect(input.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['batch', 10, 10, 4]);
      expect(model.graph!.output.map((o) => [o.name, o.type!.tensorType!.elemType])).toEqual([
        ['q_values', onnx.TensorProto.DataType.FLOAT], ['action', onnx.TensorProto.DataType.INT64],
      ]);
    });
  });

  it('stores pruned weights as exact zeros (dense) and exactly the kept weights (sparse)', () => {
    withPolicy({ net: 'minatar', head: 'q', width: 1, seed: 6 }, (policy) => {
      const { network } = policy;
      prune(network, 0.5, 0.95);
      const dense = onnx.ModelProto.decode(policyToOnnx(policy).bytes).graph!;
      const sparse = onnx.ModelProto.decode(policyToOnnx(policy, { sparse: true }).bytes).graph!;
      expect(dense.sparseInitializer).toHaveLength(0);
      for (const p of network.params()) {
        const name = `layer${p.index}.weight`;
        const w = floats(dense.initializer.find((t) => t.name === name)!);
        let zeros = 0;
        for (const v of w) if (v === 0 && !Object.is(v, -0)) zeros++;
        expect(zeros).toBeGreaterThanOrEqual(p.size - p.kept);
        // The linear layers keep our [out, in] layout, so they compare entry by entry with the mask.
        if (p.kind === 'linear') {
          const mask = network.getMask(p.index), ours = network.getWeight(p.index);
          let mismatches = 0;
          for (let i = 0; i < w.length; i++) if (!Object.is(w[i], mask[i] ? ours[i] : 0)) mismatches++;
          expect(mismatches).toBe(0);
        }
      }
      // The 95%-pruned conv and hidden layers are sparse; the 50% first layer would be larger as COO and is not.
      const coo = sparse.sparseInitializer.map((s) => s.values!.name);
      expect(coo).toEqual(['layer1.weight', 'layer2.weight']);
      expect(sparse.initializer.map((t) => t.name)).toContain('layer0.weight');
      for (const s of sparse.sparseInitializer) {
        const index = Number(s.values!.name!.match(/\d+/)![0]);
        const mask = network.getMask(index), ours = network.getWeight(index);
        const kept = [...mask.keys()].filter((i) => mask[i] === 1);
        expect(s.dims!.map(Number)).toEqual(network.params()[index].shape);
        expect(indices(s.indices!)).toEqual(kept);
        expect(s.indices!.dataType).toBe(onnx.TensorProto.DataType.INT64);
        expect(Array.from(floats(s.values!))).toEqual(kept.map((i) => ours[i]));
      }
    });
  });

  it('handles a fully pruned layer (an empty sparse initializer) as onnxruntime expects', async () => {
    const policy = makePolicy({ net: 'mlp', head: 'q', width: 1, seed: 10 });
    try {
      policy.network.pruneLayers([0, 1, 0]);
      const model = policyToOnnx(policy, { sparse: true });
      expect(model.layers.map((l) => l.storage)).toEqual(['dense', 'sparse', 'dense']);
      const session = await ort.InferenceSession.create(model.bytes);
      const obs = randomObservations(r, policy, 3);
      const theirs = await ortOutputs(session, policy, obs, 3);
      await session.release();
      // With the middle layer gone every row gets the same Q-values (the last layer's bias path only).
      const ours = nativeOutputs(policy, obs, 3);
      expect(Array.from(theirs.q)).toEqual(Array.from(ours.q).map((v) => expect.closeTo(v, 6)));
    } finally {
      policy.network.dispose();
    }
  });

  it('records env, agent, width, per-layer achieved sparsity and the version in the metadata', () => {
    withPolicy({ net: 'nature', head: 'c51', width: 3, seed: 7 }, (policy) => {
      policy.network.pruneLayers(erkDistribution(policy.network.params(), 0.9));
      const model = onnx.ModelProto.decode(policyToOnnx(policy, { sparse: true }).bytes);
      const meta = Object.fromEntries(model.metadataProps.map((e) => [e.key, e.value]));
      expect(meta['prunerl.version']).toBe(prunerlVersion);
      expect(meta['prunerl.env']).toBe('test/env');
      expect(meta['prunerl.agent']).toBe('rainbow');
      expect(meta['prunerl.net']).toBe('nature');
      expect(meta['prunerl.width']).toBe('3');
      expect(JSON.parse(meta['prunerl.head']!)).toEqual(policy.head);
      expect(Number(meta['prunerl.sparsity'])).toBeCloseTo(policy.network.sparsity(), 6);
      const layers = JSON.parse(meta['prunerl.layer_sparsity']!) as { layer: number; kept: number; sparsity: number; storage: string }[];
      const params = policy.network.params();
      expect(layers.map((l) => l.kept)).toEqual(params.map((p) => p.kept));
      layers.forEach((l, i) => expect(l.sparsity).toBeCloseTo(1 - params[i].kept / params[i].size, 9));
      expect(model.producerName).toBe('prunerl');
    });
  });

  it('makes a 95%-sparse ×3 MinAtar policy several times smaller with --sparse, and both files run', async () => {
    const sizes: Record<string, number> = {};
    const policy = makePolicy({ net: 'minatar', head: 'q', width: 3, seed: 8, actions: 6 });
    try {
      policy.network.pruneLayers(erkDistribution(policy.network.params(), 0.95));
      expect(policy.network.sparsity()).toBeCloseTo(0.95, 2);
      for (const [name, options] of [['dense', {}], ['sparse', { sparse: true }], ['compact', { sparse: true, sparseIndices: 'compact' as const }]] as const) {
        const out = join(dir, `minatar-x3-${name}.onnx`);
        const result = exportOnnx(policy, { out, ...options });
        expect(result.bytes).toBe(readFileSync(out).length);
        sizes[name] = result.bytes;
        const session = await ort.InferenceSession.create(out);
        const obs = randomObservations(r, policy, 4);
        const theirs = await ortOutputs(session, policy, obs, 4);
        await session.release();
        const ours = nativeOutputs(policy, obs, 4);
        expect(theirs.action).toEqual(ours.action);
        if (name === 'sparse') {
          expect(result.denseBytes).toBe(sizes.dense);
          expect(result.sparseBytes).toBe(result.bytes);
        }
      }
      console.log(`95%-sparse ×3 MinAtar (10×10×4, 6 actions): dense ${sizes.dense} B, sparse int64 ${sizes.sparse} B ` +
        `(${(sizes.dense / sizes.sparse).toFixed(1)}×), sparse compact ${sizes.compact} B (${(sizes.dense / sizes.compact).toFixed(1)}×)`);
      expect(sizes.sparse * 5).toBeLessThan(sizes.dense);
      expect(sizes.compact).toBeLessThan(sizes.sparse);
    } finally {
      policy.network.dispose();
    }
  });

  it('exports from a run directory (its policy.prl) and reports what it wrote', () => {
    const run = join(dir, 'run');
    mkdirSync(run);
    withPolicy({ net: 'mlp', head: 'dueling', width: 1, seed: 9 }, (policy) => {
      prune(policy.network, 0.8, 0.8);
      savePolicy(join(run, 'policy.prl'), policy);
      const out = join(dir, 'from-run.onnx');
      const result = exportOnnx(run, { out, sparse: true, opset: 13 });
      expect(result.path).toBe(out);
      expect(result.opset).toBe(13);
      expect(result.bytes).toBe(readFileSync(out).length);
      const params = policy.network.params();
      const biases = params.reduce((a, p) => a + p.shape[0], 0);
      expect(result.parameters).toEqual({
        total: params.reduce((a, p) => a + p.size, 0) + biases,
        kept: params.reduce((a, p) => a + p.kept, 0) + biases,
      });
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });
  });
});
