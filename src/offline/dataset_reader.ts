// Reads a Minari-layout dataset (minari_layout.ts) for `prunerl train --offline`: its metadata and every episode,
// checked as it is read (shapes, action range, finite rewards), so a damaged or foreign file is refused in one line
// naming the episode and the field rather than training on garbage.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import h5wasm from 'h5wasm/node';
import { episodeGroupName, hdf5PathOf, metadataPathOf, parseBox, parseDiscrete, type DatasetMetadata } from './minari_layout.js';
import type { BoxSpace } from '../envs/env.js';

export interface DatasetEpisode {
  /** [steps + 1, ...observation shape], flat, in the dataset's dtype. */
  observations: Float32Array | Uint8Array;
  actions: Int32Array;
  rewards: Float64Array;
  terminations: Uint8Array;
  truncations: Uint8Array;
}

export interface ReplayDataset {
  path: string;
  metadata: DatasetMetadata;
  observationSpace: Pick<BoxSpace, 'shape' | 'dtype'>;
  actions: number;
  /** The env id the transitions come from: prunerl's own record, else Gymnasium's env_spec id. */
  env: string | null;
  episodes: DatasetEpisode[];
  totalSteps: number;
}

function fail(path: string, message: string): never {
  throw new RangeError(`Expected a Minari-layout dataset at --offline ${path} but ${message}`);
}

function readMetadata(path: string): DatasetMetadata {
  const file = metadataPathOf(path);
  if (!existsSync(file)) fail(path, `${file} is missing (a dataset folder holds data/metadata.json and data/main_data.hdf5)`);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    fail(path, `${file} is not valid JSON (${(err as Error).message})`);
  }
  const m = value as Partial<DatasetMetadata> | null;
  if (typeof m !== 'object' || m === null || typeof m.observation_space !== 'string' || typeof m.action_space !== 'string' || !Number.isSafeInteger(m.total_episodes)) {
    fail(path, `${file} lacks total_episodes, observation_space or action_space`);
  }
  if (m.data_format !== undefined && m.data_format !== 'hdf5') fail(path, `its data_format is ${String(m.data_format).slice(0, 20)} (prunerl reads hdf5)`);
  return m as DatasetMetadata;
}

function envOf(m: DatasetMetadata): string | null {
  if (typeof m.prunerl?.env === 'string') return m.prunerl.env;
  if (typeof m.env_spec === 'string') {
    try {
      const id = (JSON.parse(m.env_spec) as { id?: unknown }).id;
      if (typeof id === 'string') return id;
    } catch {
      // an unreadable env_spec leaves the env to --env
    }
  }
  return null;
}

type H5Dataset = { shape: number[] | null; value: unknown };

function numbers(group: { get(name: string): unknown }, name: string, where: string, path: string): { shape: number[]; value: ArrayLike<number | bigint> } {
  const d = group.get(name) as H5Dataset | null;
  if (!d || !Array.isArray(d.shape) || !ArrayBuffer.isView(d.value)) fail(path, `${where}/${name} is missing or not a numeric array`);
  return { shape: d.shape, value: d.value as unknown as ArrayLike<number | bigint> };
}

/** Loads every episode of the dataset at `datasetPath` into memory. */
export async function readDataset(datasetPath: string): Promise<ReplayDataset> {
  const path = resolve(datasetPath);
  if (!existsSync(path)) fail(path, 'there is nothing there');
  const metadata = readMetadata(path);
  const where = metadataPathOf(path);
  const observationSpace = parseBox(metadata.observation_space, where);
  const actions = parseDiscrete(metadata.action_space, where);
  const obsSize = observationSpace.shape.reduce((a, b) => a * b, 1);
  const hdf5 = hdf5PathOf(path);
  if (!existsSync(hdf5)) fail(path, `${hdf5} is missing`);
  await h5wasm.ready;
  const file = new h5wasm.File(hdf5, 'r');
  const episodes: DatasetEpisode[] = [];
  let totalSteps = 0;
  try {
    for (let id = 0; id < metadata.total_episodes; id++) {
      const name = episodeGroupName(id);
      const group = file.get(name) as { get(name: string): unknown } | null;
      if (!group || typeof group.get !== 'function') fail(path, `episode ${name} is missing (metadata says ${metadata.total_episodes} episodes)`);
      const obs = numbers(group, 'observations', name, path);
      const steps = obs.shape[0] - 1;
      if (steps < 1 || obs.value.length !== (steps + 1) * obsSize) fail(path, `${name}/observations has shape [${obs.shape.join(', ')}], not [steps + 1, ${observationSpace.shape.join(', ')}]`);
      const fields = ['actions', 'rewards', 'terminations', 'truncations'].map((f) => numbers(group, f, name, path));
      fields.forEach((f, i) => {
        if (f.value.length !== steps) fail(path, `${name}/${['actions', 'rewards', 'terminations', 'truncations'][i]} has ${f.value.length} entries for ${steps} steps`);
      });
      const episode: DatasetEpisode = {
        observations: observationSpace.dtype === 'uint8' ? Uint8Array.from(obs.value as ArrayLike<number>) : Float32Array.from(obs.value as ArrayLike<number>),
        actions: Int32Array.from(fields[0].value as ArrayLike<number>, (a) => Number(a)),
        rewards: Float64Array.from(fields[1].value as ArrayLike<number>, (r) => Number(r)),
        terminations: Uint8Array.from(fields[2].value as ArrayLike<number>, (t) => (Number(t) ? 1 : 0)),
        truncations: Uint8Array.from(fields[3].value as ArrayLike<number>, (t) => (Number(t) ? 1 : 0)),
      };
      for (let t = 0; t < steps; t++) {
        if (!(episode.actions[t] >= 0 && episode.actions[t] < actions)) fail(path, `${name}/actions[${t}] is ${episode.actions[t]}, outside 0..${actions - 1}`);
        if (!Number.isFinite(episode.rewards[t])) fail(path, `${name}/rewards[${t}] is ${episode.rewards[t]}`);
      }
      episodes.push(episode);
      totalSteps += steps;
    }
  } finally {
    file.close();
  }
  if (totalSteps === 0) fail(path, 'it holds no steps');
  return { path, metadata, observationSpace, actions, env: envOf(metadata), episodes, totalSteps };
}

/** The mean undiscounted return of the dataset's episodes (the behaviour policy's, over the whole recording). */
export function behaviourReturn(d: ReplayDataset): { mean: number; episodes: number } {
  let sum = 0, count = 0;
  for (const e of d.episodes) {
    let r = 0;
    for (const x of e.rewards) r += x;
    sum += r;
    count++;
  }
  return { mean: count ? sum / count : 0, episodes: count };
}

/** The env id a dataset was recorded in (from its metadata alone), for --offline without --env. */
export function datasetEnv(datasetPath: string): string {
  const path = resolve(datasetPath);
  if (!existsSync(path)) fail(path, 'there is nothing there');
  const env = envOf(readMetadata(path));
  if (env === null) throw new RangeError(`Expected the dataset at --offline ${path} to name its env (prunerl.env or env_spec.id in data/metadata.json) but it names none; give --env`);
  return env;
}
