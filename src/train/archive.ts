// A small binary archive: a JSON header and named typed arrays, written atomically (writeFileAtomic: temp file in
// the same folder, fsync, rename, fsync the folder) so that a reader sees either the old file or the new one.
// Layout: "PRUNERL2" | u32 LE header length | header JSON (utf-8) | padding to 8 | tensor bytes (each 8-aligned)
//         | SHA-256 of every byte before it (32 bytes).
// The checksum covers header and tensors whatever they hold, so checkpoints and policies both get it. Files written
// before it ("PRUNERL1", no trailer) still load, with a one-line warning.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { writeFileAtomic } from '../export/atomic_file.js';

const MAGIC = 'PRUNERL2';
const MAGIC_UNCHECKED = 'PRUNERL1';
const CHECKSUM_BYTES = 32;
type ArchiveArray = Float32Array | Float64Array | Int32Array | Uint32Array | Uint8Array;
const constructors = { Float32Array, Float64Array, Int32Array, Uint32Array, Uint8Array } as const;
type ArrayKind = keyof typeof constructors;

interface TensorEntry { name: string; kind: ArrayKind; offset: number; length: number }

export interface Archive<H> {
  header: H;
  tensors: Map<string, ArchiveArray>;
}

export interface ReadArchiveOptions {
  /** Where the warning about a file without a checksum goes (default console.warn). */
  warn?: (message: string) => void;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

/** Writes `path` atomically; `tensors` are stored by name, followed by a SHA-256 of everything before it. */
export function writeArchive(path: string, header: object, tensors: Map<string, ArchiveArray>): void {
  const entries: TensorEntry[] = [];
  let offset = 0;
  for (const [name, array] of tensors) {
    entries.push({ name, kind: array.constructor.name as ArrayKind, offset, length: array.length });
    offset = align8(offset + array.byteLength);
  }
  const headerBytes = Buffer.from(JSON.stringify({ ...header, tensors: entries }), 'utf8');
  const prefix = Buffer.alloc(align8(MAGIC.length + 4 + headerBytes.length));
  prefix.write(MAGIC, 0, 'ascii');
  prefix.writeUInt32LE(headerBytes.length, MAGIC.length);
  headerBytes.copy(prefix, MAGIC.length + 4);

  const hash = createHash('sha256');
  function* chunks(): Generator<Uint8Array> {
    const pad = new Uint8Array(8);
    const emit = (bytes: Uint8Array): Uint8Array => { hash.update(bytes); return bytes; };
    yield emit(prefix);
    for (const array of tensors.values()) {
      yield emit(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
      const extra = align8(array.byteLength) - array.byteLength;
      if (extra > 0) yield emit(pad.subarray(0, extra));
    }
    yield hash.digest();
  }
  writeFileAtomic(path, chunks());
}

/** Reads the whole of `path`, refusing anything but a regular file (a FIFO would block, /dev/zero never ends). */
function readRegularFile(path: string): Buffer {
  let stats;
  try {
    stats = statSync(path);
  } catch (err) {
    throw new Error(`Expected a prunerl archive at ${path} but could not read it (${(err as NodeJS.ErrnoException).code})`);
  }
  if (!stats.isFile()) {
    const what = stats.isDirectory() ? 'a directory' : stats.isFIFO() ? 'a FIFO' : stats.isCharacterDevice() || stats.isBlockDevice() ? 'a device' : 'not a regular file';
    throw new Error(`Expected a regular file for ${path} but it is ${what}`);
  }
  return readFileSync(path);
}

function isTensorEntry(e: unknown, kind: (k: unknown) => boolean): e is TensorEntry {
  if (typeof e !== 'object' || e === null) return false;
  const t = e as Record<string, unknown>;
  return typeof t.name === 'string' && kind(t.kind) && Number.isSafeInteger(t.offset) && (t.offset as number) >= 0 &&
    Number.isSafeInteger(t.length) && (t.length as number) >= 0;
}

/**
 * Reads an archive written by writeArchive. Verifies its checksum; throws a one-line error naming the file when it
 * is not an archive, is altered or truncated, or its tensor table points outside the file.
 */
export function readArchive<H>(path: string, options: ReadArchiveOptions = {}): Archive<H> {
  const file = readRegularFile(path);
  const magic = file.length >= MAGIC.length + 4 ? file.toString('ascii', 0, MAGIC.length) : '';
  if (magic !== MAGIC && magic !== MAGIC_UNCHECKED) {
    throw new Error(`Expected a prunerl archive for ${path} but it does not start with ${MAGIC}`);
  }
  let bytes = file;
  if (magic === MAGIC) {
    if (file.length < MAGIC.length + 4 + CHECKSUM_BYTES) throw new Error(`Expected a complete prunerl archive for ${path} but it is truncated`);
    bytes = file.subarray(0, file.length - CHECKSUM_BYTES);
    const stored = file.subarray(file.length - CHECKSUM_BYTES);
    const actual = createHash('sha256').update(bytes).digest();
    if (!actual.equals(stored)) {
      throw new Error(`Expected an intact prunerl archive for ${path} but its SHA-256 checksum does not match: the file is corrupted or was altered`);
    }
  } else {
    (options.warn ?? console.warn)(`prunerl: ${path} has no checksum (written by an older prunerl); loading it unverified`);
  }
  const headerLength = bytes.readUInt32LE(MAGIC.length);
  const headerEnd = MAGIC.length + 4 + headerLength;
  if (headerEnd > bytes.length) throw new Error(`Expected a complete prunerl archive for ${path} but it is truncated`);
  let raw: H & { tensors: TensorEntry[] };
  try {
    raw = JSON.parse(bytes.toString('utf8', MAGIC.length + 4, headerEnd)) as H & { tensors: TensorEntry[] };
  } catch (err) {
    throw new Error(`Expected a JSON header in ${path} but ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || !Array.isArray(raw.tensors)) {
    throw new Error(`Expected a header with a tensor table in ${path} but it has none`);
  }
  const base = align8(headerEnd);
  const tensors = new Map<string, ArchiveArray>();
  const knownKind = (k: unknown): boolean => typeof k === 'string' && Object.prototype.hasOwnProperty.call(constructors, k);
  for (const entry of raw.tensors as unknown[]) {
    if (!isTensorEntry(entry, knownKind)) {
      throw new Error(`Expected tensor entries {name, kind, offset, length} with a known kind in ${path} but received ${JSON.stringify(entry)?.slice(0, 120)}`);
    }
    const Ctor = constructors[entry.kind];
    const start = base + entry.offset;
    const byteLength = entry.length * Ctor.BYTES_PER_ELEMENT;
    if (start + byteLength > bytes.length) {
      throw new Error(`Expected tensor '${entry.name}' within ${path} but it ends at byte ${start + byteLength} of ${bytes.length}: the file is truncated or its header is wrong`);
    }
    // Copy into a fresh, aligned buffer: the file buffer's offsets need not suit the element size.
    const copy = new Uint8Array(byteLength);
    copy.set(bytes.subarray(start, start + byteLength));
    tensors.set(entry.name, new Ctor(copy.buffer) as ArchiveArray);
  }
  const { tensors: _entries, ...header } = raw;
  return { header: header as H, tensors };
}
