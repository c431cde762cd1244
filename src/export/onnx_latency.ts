// How fast the exported model runs in onnxruntime beside our own forward pass, on this machine: a benchmark
// printed by `prunerl export`, not a test. Both sides do the whole greedy step from an observation batch: ours
// converts to float32·scale (as `prunerl eval` and `play` do), runs the network, the Q-head and the argmax; ORT runs the graph (which does the same).
// Timing: the median of several samples of back-to-back calls after a warm-up. Each side runs alone: the ORT
// session (and its spinning intra-op threads) exists only while ORT is timed, with as many threads as ours.
// onnxruntime-node is imported lazily, so the library works without it; only this report needs it.
import { readFileSync } from 'node:fs';
import { meanAction, qValues } from '../agents/q_head.js';
import { native } from '../native.js';
import type { Policy } from '../train/policy_file.js';
import { toInput } from '../train/evaluation.js';

export interface LatencyRow {
  batch: number;
  /** Median milliseconds per call. */
  onnxruntimeMs: number;
  nativeMs: number;
}

export interface LatencyReport {
  onnxruntimeVersion: string;
  threads: number;
  simd: string;
  rows: LatencyRow[];
}

export interface LatencyOptions {
  /** Batch sizes to time (default 1 and 256). */
  batches?: number[];
  /** Rough time spent per side and batch, in milliseconds (default 300). */
  budgetMs?: number;
}

type Ort = typeof import('onnxruntime-node');

async function loadOrt(): Promise<Ort> {
  try {
    return await import('onnxruntime-node');
  } catch {
    throw new Error('Expected onnxruntime-node to be installed for the latency report but it is not (npm install onnxruntime-node)');
  }
}

/** Median seconds per call of `fn`: a warm-up, then 5 samples of as many calls as fit in budget/6 each. */
async function timeCalls(fn: () => unknown, budgetMs: number): Promise<number> {
  const t0 = performance.now();
  let warm = 0;
  while (warm < 2 || (performance.now() - t0 < budgetMs / 6 && warm < 1000)) {
    await fn();
    warm++;
  }
  const perCall = (performance.now() - t0) / warm;
  const calls = Math.max(1, Math.round(budgetMs / 6 / perCall));
  const samples: number[] = [];
  for (let s = 0; s < 5; s++) {
    const start = performance.now();
    for (let c = 0; c < calls; c++) await fn();
    samples.push((performance.now() - start) / calls);
  }
  samples.sort((a, b) => a - b);
  return samples[2];
}

function randomObservations(policy: Policy, batch: number): Float32Array | Uint8Array {
  const n = batch * policy.observation.shape.reduce((a, b) => a * b, 1);
  if (policy.observation.dtype === 'uint8') return Uint8Array.from({ length: n }, () => (Math.random() < 0.3 ? 1 : 0));
  return Float32Array.from({ length: n }, () => Math.random() * 2 - 1);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Times `model` (bytes or a path) in onnxruntime and the policy's native forward pass at each batch size. */
export async function measureLatency(policy: Policy, model: Uint8Array | string, options: LatencyOptions = {}): Promise<LatencyReport> {
  const ort = await loadOrt();
  const bytes = typeof model === 'string' ? new Uint8Array(readFileSync(model)) : model;
  const budgetMs = options.budgetMs ?? 300;
  const { network, head, observation } = policy;
  const rows: LatencyRow[] = [];
  for (const batch of options.batches ?? [1, 256]) {
    const obs = randomObservations(policy, batch);
    const nativeMs = await timeCalls(() => {
      const out = network.forward(toInput(obs, observation.scale), batch);
      // The same outputs as the ONNX model's: SAC's action, or Q-values and their argmax.
      if (head.kind === 'tanh-gaussian') return meanAction(out, batch, head);
      return native.argmaxRows(qValues(out, batch, head), batch, head.actions);
    }, budgetMs);
    await sleep(30); // let our thread pool go idle before ORT's threads start spinning
    const session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: native.threadCount(), interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
    });
    try {
      const feeds = { obs: new ort.Tensor(observation.dtype, obs, [batch, ...observation.shape]) };
      const onnxruntimeMs = await timeCalls(() => session.run(feeds), budgetMs);
      rows.push({ batch, onnxruntimeMs, nativeMs });
    } finally {
      await session.release();
    }
  }
  return { onnxruntimeVersion: ort.env.versions?.common ?? 'unknown', threads: native.threadCount(), simd: native.simdLevel(), rows };
}
