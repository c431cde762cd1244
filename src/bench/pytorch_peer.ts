// PyTorch on the CPU as `prunerl bench train --peer pytorch`'s yardstick: one python3 process running
// bench/peers/torch_update_peer.py, driven over stdin/stdout with one JSON object a line each way. It builds the
// same network from our layer specs and our networks' weights and masks, and runs the same DQN update (target
// rule, loss, optimizer and its constants, masks multiplied back after the step). Arrays cross in binary files
// (float32/int32 back to back, described in the JSON) so that a ×16 network does not become megabytes of JSON.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { LayerSpec, OptimizerSpec } from '../native.js';
import type { Network } from '../nn/network.js';
import type { ReplayBatch } from '../agents/replay/replay_buffer.js';

/** How to install what --peer pytorch needs, in the one-line errors below. */
const install = 'install PyTorch for python3 (Debian/Ubuntu: apt-get install python3-torch)';

/** The script beside dist/: dist/bench → the package root → bench/peers. */
export function peerScriptPath(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'peers', 'torch_update_peer.py');
}

interface Entry { name: string; dtype: 'float32' | 'int32'; shape: number[]; offset: number }
type Reply = Record<string, unknown> & { ok: boolean; error?: string };

/** Arrays back to back in one file, and their descriptions for the script. */
function writeArrays(path: string, arrays: [string, Float32Array | Int32Array, number[]][]): Entry[] {
  const entries: Entry[] = [];
  const parts: Buffer[] = [];
  let offset = 0;
  for (const [name, a, shape] of arrays) {
    entries.push({ name, dtype: a instanceof Int32Array ? 'int32' : 'float32', shape, offset });
    parts.push(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    offset += a.byteLength;
  }
  writeFileSync(path, Buffer.concat(parts));
  return entries;
}

function readArrays(path: string, entries: Entry[]): Map<string, Float32Array> {
  const data = readFileSync(path);
  const out = new Map<string, Float32Array>();
  for (const e of entries) {
    const n = e.shape.reduce((a, b) => a * b, 1);
    // Copied out of the file's buffer, whose offset need not be 4-aligned.
    out.set(e.name, new Float32Array(data.buffer.slice(data.byteOffset + e.offset, data.byteOffset + e.offset + 4 * n)));
  }
  return out;
}

export interface PeerBuild {
  layers: LayerSpec[];
  inputShape: number[];
  actions: number;
  batchSize: number;
  optimizer: OptimizerSpec;
  loss: 'huber' | 'mse';
  double: boolean;
  gamma: number;
  nStep: number;
  /** Transitions in the peer's random replay buffer (ours holds as many). */
  replaySize: number;
  threads: number;
  seed: number;
}

/** What the peer reports after build. */
export interface PeerInfo {
  torch: string;
  threads: number;
  interopThreads: number;
  /** The BLAS library torch's dense products ran on ('reference BLAS (…)' when unoptimized). */
  blas: string;
  /** OMP_WAIT_POLICY as the peer ran ('default': libgomp spins before it sleeps, costly when other work takes the cores). */
  ompWaitPolicy: string;
}

export class PytorchPeer {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #dir: string;
  readonly #pending: ((reply: Reply) => void)[] = [];
  #stderr = '';
  #exited: string | null = null;

  private constructor(child: ChildProcessWithoutNullStreams, dir: string) {
    this.#child = child;
    this.#dir = dir;
    createInterface({ input: child.stdout }).on('line', (line) => {
      let reply: Reply;
      try {
        reply = JSON.parse(line) as Reply;
      } catch {
        reply = { ok: false, error: `the PyTorch peer wrote '${line.slice(0, 200)}'` };
      }
      this.#pending.shift()?.(reply);
    });
    // A write after the peer died fails with EPIPE; 'close' below reports the death itself.
    child.stdin.on('error', () => {});
    child.stderr.on('data', (d: Buffer) => { this.#stderr = (this.#stderr + d.toString()).slice(-2000); });
    const fail = (why: string) => {
      this.#exited ??= why;
      for (const resolve of this.#pending.splice(0)) resolve({ ok: false, error: why });
    };
    child.on('error', (e: NodeJS.ErrnoException) => fail(e.code === 'ENOENT'
      ? `Expected python3 on the PATH for --peer pytorch but it was not found; ${install}`
      : `Expected the PyTorch peer of --peer pytorch to start but it failed: ${e.message}`));
    // 'close', not 'exit': it comes after stdout's last line, so the script's own message (no torch) wins.
    child.on('close', (code, signal) => fail(`Expected the PyTorch peer of --peer pytorch to keep running but it exited (${signal ?? `code ${code}`})` +
      (this.#stderr ? `: ${this.#stderr.trim().split('\n').pop()}` : '')));
  }

  /**
   * Starts the script, for `threads` threads, under `command` (an interpreter and its flags) or else the first python3 that imports torch:
   * $PRUNERL_PYTHON, `python3` on the PATH, then /usr/bin/python3 (Debian's python3-torch is installed for the
   * system interpreter, which a pyenv or venv python3 earlier on the PATH does not see). Rejects with one line
   * when python3 or torch is missing.
   */
  static async start(threads: number, command?: readonly string[]): Promise<PytorchPeer> {
    const candidates = command ? [command] : [...new Set([process.env.PRUNERL_PYTHON || 'python3', '/usr/bin/python3'])].map((p) => [p]);
    let firstError: Error | null = null;
    for (const candidate of candidates) {
      if (!command && candidate[0]!.startsWith('/') && !existsSync(candidate[0]!)) continue;
      try {
        return await PytorchPeer.#startOne(candidate, threads);
      } catch (e) {
        firstError ??= e as Error;
      }
    }
    throw firstError!;
  }

  static async #startOne(command: readonly string[], threads: number): Promise<PytorchPeer> {
    const script = peerScriptPath();
    if (!existsSync(script)) throw new Error(`Expected the PyTorch peer script for --peer pytorch at ${script} but it is missing (reinstall prunerl)`);
    // OpenBLAS's pthread build sizes its own pool from the cores; build sets torch's threads, this the BLAS's.
    const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads) };
    const child = spawn(command[0]!, [...command.slice(1), '-u', script], { stdio: ['pipe', 'pipe', 'pipe'], env });
    const peer = new PytorchPeer(child, mkdtempSync(join(tmpdir(), 'prunerl-peer-')));
    const hello = await peer.#next();
    if (!hello.ok) {
      peer.close();
      const reason = String(hello.error);
      throw new Error(reason.startsWith('Expected') ? reason : `Expected python3 with PyTorch for --peer pytorch but ${reason}; ${install}`);
    }
    return peer;
  }

  #next(): Promise<Reply> {
    if (this.#exited) return Promise.resolve({ ok: false, error: this.#exited });
    return new Promise((resolve) => this.#pending.push(resolve));
  }

  async #request(message: Record<string, unknown>): Promise<Reply> {
    const reply = this.#next();
    if (!this.#exited) this.#child.stdin.write(`${JSON.stringify(message)}\n`);
    const r = await reply;
    if (!r.ok) throw new Error(String(r.error).startsWith('Expected') ? String(r.error) : `The PyTorch peer of --peer pytorch failed: ${r.error}`);
    return r;
  }

  /** Builds the peer's online and target networks from ours (weights, biases, the online network's masks). */
  async build(spec: PeerBuild, online: Network, target: Network): Promise<PeerInfo> {
    const arrays: [string, Float32Array, number[]][] = [];
    for (const [prefix, net] of [['online', online], ['target', target]] as const) {
      net.params().forEach((p, i) => {
        arrays.push([`${prefix}.${i}.w`, net.getWeight(p.index), p.shape], [`${prefix}.${i}.b`, net.getBias(p.index), [p.shape[0]!]]);
        if (prefix === 'online' && p.kept < p.size) arrays.push([`${prefix}.${i}.mask`, Float32Array.from(net.getMask(p.index)), p.shape]);
      });
    }
    const path = join(this.#dir, 'params.bin');
    const params = { path, tensors: writeArrays(path, arrays) };
    const r = await this.#request({ cmd: 'build', ...spec, params });
    return { torch: String(r.torch), threads: Number(r.threads), interopThreads: Number(r.interopThreads), blas: String(r.blas), ompWaitPolicy: String(r.ompWaitPolicy) };
  }

  /** One update on `batch`; returns the online weights after it, in our layouts (per weight layer: w then b). */
  async checkUpdate(batch: ReplayBatch, inputSize: number, layerCount: number): Promise<Float32Array[]> {
    const B = batch.batchSize;
    const path = join(this.#dir, 'batch.bin'), out = join(this.#dir, 'after.bin');
    const tensors = writeArrays(path, [
      ['obs', batch.obs, [B, inputSize]], ['nextObs', batch.nextObs, [B, inputSize]], ['actions', batch.actions, [B]],
      ['rewards', batch.rewards, [B]], ['dones', batch.dones, [B]], ['discounts', batch.discounts, [B]],
    ]);
    const r = await this.#request({ cmd: 'check', path, tensors, out });
    const arrays = readArrays(out, r.tensors as Entry[]);
    const after: Float32Array[] = [];
    for (let i = 0; i < layerCount; i++) after.push(arrays.get(`online.${i}.w`)!, arrays.get(`online.${i}.b`)!);
    return after;
  }

  /** `updates` untimed updates on random batches. */
  async warmUp(updates: number): Promise<void> {
    await this.#request({ cmd: 'run', updates });
  }

  /** Timed updates on random batches for `seconds`: per-update microseconds and the seconds they took. */
  async time(seconds: number): Promise<{ micros: number[]; seconds: number }> {
    const r = await this.#request({ cmd: 'run', seconds });
    return { micros: r.micros as number[], seconds: Number(r.seconds) };
  }

  close(): void {
    if (!this.#exited) {
      this.#child.stdin.write(`${JSON.stringify({ cmd: 'quit' })}\n`);
      this.#child.stdin.end();
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** max |Δw_ours − Δw_peer| / max |Δw_ours| over all weights and biases (0/0 = 0: neither side moved). */
export function updateDifference(before: Float32Array[], ours: Float32Array[], peer: Float32Array[]): number {
  let diff = 0, scale = 0;
  before.forEach((b, l) => {
    for (let i = 0; i < b.length; i++) {
      const d = ours[l]![i]! - b[i]!;
      scale = Math.max(scale, Math.abs(d));
      diff = Math.max(diff, Math.abs(d - (peer[l]![i]! - b[i]!)));
    }
  });
  return scale === 0 ? (diff === 0 ? 0 : Infinity) : diff / scale;
}
