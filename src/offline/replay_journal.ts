// The crash-safe side of --save-replay: an append-only file of fixed-size records, one per env reset and one per
// env step, in the order they happened. The HDF5 dataset is built from it once, at the end of the run (an HDF5 file
// being appended to is not safe to kill). Each record carries the frame it belongs to and a checksum, so on
// --resume the journal is cut back to the checkpoint's frame (steps after it will be taken again) and a record torn
// by a kill is dropped.
//
// Record (little-endian), RECORD_HEADER bytes then the observation in the env's dtype:
//   0  u32 magic   4  u8 kind (1 reset, 2 step)   5  u8 terminated   6  u8 truncated   7  u8 unused
//   8  f64 frame (reset: steps taken before it; step: steps taken including it)
//   16 f64 reward (reset: the episode's seed)      24 i32 action      28 u32 checksum of every other byte
//   32 observation (reset: the first one; step: the one after the step)
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import type { Observation } from '../envs/env.js';

const MAGIC = 0x4a525250; // 'PRRJ'
const RECORD_HEADER = 32;
export const RESET = 1;
export const STEP = 2;

export interface JournalRecord {
  kind: typeof RESET | typeof STEP;
  frame: number;
  /** A step's reward; a reset's seed. */
  reward: number;
  action: number;
  terminated: boolean;
  truncated: boolean;
  obs: Observation;
}

export interface JournalLayout {
  observationSize: number;
  observationDtype: 'float32' | 'uint8';
}

function bytesPerElement(dtype: JournalLayout['observationDtype']): number {
  return dtype === 'uint8' ? 1 : 4;
}

/** FNV-1a over the record with its checksum field skipped: cheap, and enough to tell a torn record. */
function checksum(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    if (i >= 28 && i < 32) continue;
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export class ReplayJournal {
  readonly path: string;
  readonly layout: JournalLayout;
  readonly recordSize: number;
  #fd: number;
  #pending: Uint8Array[] = [];
  #records: number;

  /** Opens (or creates) the journal at `path`, keeping its first `keepRecords` records. */
  private constructor(path: string, layout: JournalLayout, keepRecords: number) {
    this.path = path;
    this.layout = layout;
    this.recordSize = RECORD_HEADER + layout.observationSize * bytesPerElement(layout.observationDtype);
    this.#fd = openSync(path, existsSync(path) ? 'r+' : 'w+');
    ftruncateSync(this.#fd, keepRecords * this.recordSize);
    fsyncSync(this.#fd);
    this.#records = keepRecords;
  }

  /** A new, empty journal (an old one at `path` is removed). */
  static create(path: string, layout: JournalLayout): ReplayJournal {
    rmSync(path, { force: true });
    return new ReplayJournal(path, layout, 0);
  }

  /**
   * Reopens a journal for a resumed run at `frame`: keeps the steps with frame ≤ `frame` and the resets before it
   * (a reset at `frame` itself happened after the checkpoint was written and will happen again). Refuses a journal
   * that stops short of the checkpoint, since the dataset could then not be complete.
   */
  static resume(path: string, layout: JournalLayout, frame: number): ReplayJournal {
    if (!existsSync(path)) throw new Error(`Expected the replay journal ${path} to resume recording the dataset from, but it is missing`);
    let keep = 0, lastStep = 0;
    for (const record of readJournal(path, layout)) {
      if (record.kind === STEP ? record.frame > frame : record.frame >= frame) break;
      keep++;
      if (record.kind === STEP) lastStep = record.frame;
    }
    if (lastStep !== frame) {
      throw new Error(`Expected the replay journal ${path} to hold every step up to the checkpoint's frame ${frame} but it stops at ${lastStep}; the dataset cannot be completed (train again without --resume)`);
    }
    return new ReplayJournal(path, layout, keep);
  }

  /** Records kept in the file plus those waiting to be written. */
  get records(): number {
    return this.#records + this.#pending.length;
  }

  append(record: JournalRecord): void {
    const bytes = new Uint8Array(this.recordSize);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, MAGIC, true);
    bytes[4] = record.kind;
    bytes[5] = record.terminated ? 1 : 0;
    bytes[6] = record.truncated ? 1 : 0;
    view.setFloat64(8, record.frame, true);
    view.setFloat64(16, record.reward, true);
    view.setInt32(24, record.action, true);
    if (record.obs.length !== this.layout.observationSize) {
      throw new RangeError(`Expected an observation of ${this.layout.observationSize} elements to record but received ${record.obs.length}`);
    }
    const obs = this.layout.observationDtype === 'uint8' ? Uint8Array.from(record.obs) : Float32Array.from(record.obs);
    bytes.set(new Uint8Array(obs.buffer, obs.byteOffset, obs.byteLength), RECORD_HEADER);
    view.setUint32(28, checksum(bytes), true);
    this.#pending.push(bytes);
  }

  /** Writes the waiting records (at an episode's end: cheap, no fsync). */
  flush(): void {
    if (this.#pending.length === 0) return;
    const all = Buffer.concat(this.#pending);
    let written = 0;
    while (written < all.byteLength) written += writeSync(this.#fd, all, written, all.byteLength - written, this.#records * this.recordSize + written);
    this.#records += this.#pending.length;
    this.#pending = [];
  }

  /** Writes and fsyncs, before a checkpoint is written: the journal never lags a checkpoint. */
  sync(): void {
    this.flush();
    fsyncSync(this.#fd);
  }

  close(): void {
    this.sync();
    closeSync(this.#fd);
  }
}

/** The journal's records in order, stopping at the first torn or foreign one (a kill mid-write leaves one). */
export function* readJournal(path: string, layout: JournalLayout): Generator<JournalRecord> {
  const size = RECORD_HEADER + layout.observationSize * bytesPerElement(layout.observationDtype);
  const total = Math.floor(statSync(path).size / size);
  const perRead = Math.max(1, Math.floor((1 << 20) / size));
  const fd = openSync(path, 'r');
  try {
    const chunk = new Uint8Array(perRead * size);
    for (let first = 0; first < total; first += perRead) {
      const count = Math.min(perRead, total - first);
      const read = readSync(fd, chunk, 0, count * size, first * size);
      if (read < count * size) return;
      for (let i = 0; i < count; i++) {
        const bytes = chunk.subarray(i * size, (i + 1) * size);
        const view = new DataView(bytes.buffer, bytes.byteOffset, size);
        if (view.getUint32(0, true) !== MAGIC || view.getUint32(28, true) !== checksum(bytes)) return;
        const obsBytes = bytes.slice(RECORD_HEADER);
        yield {
          kind: bytes[4] as typeof RESET | typeof STEP,
          terminated: bytes[5] === 1,
          truncated: bytes[6] === 1,
          frame: view.getFloat64(8, true),
          reward: view.getFloat64(16, true),
          action: view.getInt32(24, true),
          obs: layout.observationDtype === 'uint8' ? obsBytes : new Float32Array(obsBytes.buffer),
        };
      }
    }
  } finally {
    closeSync(fd);
  }
}
