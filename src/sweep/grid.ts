// Expands a sweep's grid into runs, each with a stable id that is also its folder name.
// Stability matters because resuming finds finished runs by folder: the id depends only on the run's own grid
// values, never on their position in the lists or on the order of keys in the file, so adding a seed or a width
// later leaves every existing run where it was.
import { createHash } from 'node:crypto';
import type { SweepSpec } from './sweep_spec.js';

export type RunConfig = Record<string, unknown>;

export interface PlannedRun {
  /** Folder name under <sweep-dir>/runs/, e.g. minatar-breakout_dqn_w3_s0.95_seed0. */
  id: string;
  /** base ∪ this grid point: exactly what goes into the run's config.json. */
  config: RunConfig;
  /** The grid values alone (what distinguishes this run from the others). */
  point: RunConfig;
}

/** Keys named first, in this order, so ids read env → agent → network → seed; the rest sort alphabetically. */
const leadingKeys = ['env', 'agent', 'net', 'width', 'sparsity'];

export function canonicalKeyOrder(keys: string[]): string[] {
  const rank = (k: string) => (k === 'seed' ? 1e6 : leadingKeys.includes(k) ? leadingKeys.indexOf(k) : 1e3);
  return [...keys].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** JSON with sorted object keys, so equal configs always hash and compare equal. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableJson((value as RunConfig)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

export function shortHash(value: unknown, length = 8): string {
  return createHash('sha256').update(stableJson(value)).digest('hex').slice(0, length);
}

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9.]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}

/** One id part: short forms for the paper's axes, `key-value` for any other key, a hash for objects. */
function idPart(key: string, value: unknown): string {
  const text = value !== null && typeof value === 'object' ? shortHash(value, 6) : String(value);
  switch (key) {
    case 'env':
    case 'agent':
      return slug(text);
    case 'width':
      return `w${slug(text)}`;
    case 'sparsity':
      return `s${slug(text)}`;
    case 'seed':
      return `seed${slug(text)}`;
    default:
      return `${slug(key)}-${slug(text)}`;
  }
}

export function runIdFor(point: RunConfig): string {
  return canonicalKeyOrder(Object.keys(point)).map((k) => idPart(k, point[k])).join('_');
}

/** The cartesian product of the grid, in the file's order (the first key varies slowest). */
export function expandGrid(spec: SweepSpec): PlannedRun[] {
  const keys = Object.keys(spec.grid);
  let points: RunConfig[] = [{}];
  for (const key of keys) {
    const next: RunConfig[] = [];
    for (const point of points) for (const value of spec.grid[key]!) next.push({ ...point, [key]: value });
    points = next;
  }
  const byId = new Map<string, PlannedRun>();
  for (const point of points) {
    const id = runIdFor(point);
    const earlier = byId.get(id);
    if (earlier) {
      // Two different values that print alike ("a/b" and "a-b", or a value listed twice) would share a folder.
      throw new RangeError(`Expected distinct grid values but ${stableJson(earlier.point)} and ${stableJson(point)} both name run ${id}`);
    }
    byId.set(id, { id, point, config: { ...spec.base, ...point } });
  }
  return [...byId.values()];
}
