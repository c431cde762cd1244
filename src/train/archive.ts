// A small binary archive: a JSON header and named typed arrays, written atomically (temp file in the same folder,
// fsync, rename, fsync the folder) so that a reader sees either the old file or the new one, never a torn one.
// Layout: "PRUNERL1" | u32 LE header length | header JSON (utf-8) | padding to 8 | tensor bytes (each 8-aligned).
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const MAGIC = 'PRUNERL1';
type ArchiveArray = Float32Array | Float64Array | Int32Array | Uint32Array | Uint8Array;
const constructors = { Float32Array, Float64Array, Int32Array, Uint32Array, Uint8Array } as const;
type ArrayKind = keyof typeof constructors;

interface TensorEntry { name: string; kind: ArrayKind; offset: number; length: number }

export interface Archive<H> {
  header: H;
  tensors: Map<string, ArchiveArray>;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

/** Writes `path` atomically; `tensors` are stored by name. */
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

  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, prefix);
    const pad = Buffer.alloc(8);
    for (const array of tensors.values()) {
      writeSync(fd, new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
      const extra = align8(array.byteLength) - array.byteLength;
      if (extra > 0) writeSync(fd, pad, 0, extra);
    }
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(temp, path);
  try {
    const dirFd = openSync(dirname(path), 'r');
    fsyncSync(dirFd);
    closeSync(dirFd);
  } catch {
    // Some file systems do not allow fsync on a directory; the rename itself is still atomic.
  }
}

/** Reads an archive written by writeArchive; throws a one-line error naming the file when it is not one. */
export function readArchive<H>(path: string): Archive<H> {
  const bytes = readFileSync(path);
  if (bytes.length < MAGIC.length + 4 || bytes.toString('ascii', 0, MAGIC.length) !== MAGIC) {
    throw new Error(`Expected a prunerl archive for ${path} but it does not start with ${MAGIC}`);
  }
  const headerLength = bytes.readUInt32LE(MAGIC.length);
  const headerEnd = MAGIC.length + 4 + headerLength;
  if (headerEnd > bytes.length) throw new Error(`Expected a complete prunerl archive for ${path} but it is truncated`);
  const raw = JSON.parse(bytes.toString('utf8', MAGIC.length + 4, headerEnd)) as H & { tensors: TensorEntry[] };
  const base = align8(headerEnd);
  const tensors = new Map<string, ArchiveArray>();
  for (const entry of raw.tensors) {
    const Ctor = constructors[entry.kind];
    if (!Ctor) throw new Error(`Expected a known array kind in ${path} but received '${entry.kind}'`);
    const start = base + entry.offset;
    const byteLength = entry.length * Ctor.BYTES_PER_ELEMENT;
    if (start + byteLength > bytes.length) throw new Error(`Expected a complete prunerl archive for ${path} but it is truncated`);
    // Copy into a fresh, aligned buffer: the file buffer's offsets need not suit the element size.
    const copy = new Uint8Array(byteLength);
    copy.set(bytes.subarray(start, start + byteLength));
    tensors.set(entry.name, new Ctor(copy.buffer) as ArchiveArray);
  }
  const { tensors: _entries, ...header } = raw;
  return { header: header as H, tensors };
}
