// The on-disk layout of a replay dataset: Minari's (Farama Foundation) HDF5 storage, so that `minari` and h5py open
// what `prunerl train --save-replay` writes. Facts taken from Minari's sources (minari/dataset/minari_storage.py,
// _storages/hdf5_storage.py, serialization.py; Minari ≥ 0.5):
//   DATASET/data/metadata.json     total_episodes, total_steps, data_format ("hdf5"), dataset_id, minari_version (a
//                                  version specifier), observation_space / action_space (JSON strings), env_spec
//   DATASET/data/main_data.hdf5    one group `episode_<id>` per episode (ids 0, 1, … in order, nothing else at the
//                                  root: Minari counts episodes by the root's keys), attrs id, total_steps, seed;
//                                  datasets observations [T + 1, …] (the reset observation and every next one),
//                                  actions [T], rewards [T], terminations [T], truncations [T]
// Minari before 0.5 kept the metadata in the HDF5 file's root attributes; we write it there too, so the one file
// describes itself.
import { join } from 'node:path';
import type { BoxSpace, DiscreteSpace } from '../envs/env.js';

export const DATA_DIR = 'data';
export const HDF5_FILE = 'main_data.hdf5';
export const METADATA_FILE = 'metadata.json';
/** The Minari versions whose HDF5 storage reads this layout (metadata.json came in 0.5). */
export const MINARI_VERSION_SPECIFIER = '>=0.5';

export function hdf5PathOf(dataset: string): string {
  return join(dataset, DATA_DIR, HDF5_FILE);
}

export function metadataPathOf(dataset: string): string {
  return join(dataset, DATA_DIR, METADATA_FILE);
}

export function episodeGroupName(id: number): string {
  return `episode_${id}`;
}

/** Where a dataset came from, beyond what Minari itself records (kept under the `prunerl` key). */
export interface DatasetOrigin {
  /** The prunerl env id the transitions come from (CartPole-v1, minatar/breakout…). */
  env: string;
  agent: string;
  seed: number;
  /** The run's env steps, all of them recorded. */
  frames: number;
}

/** metadata.json as prunerl writes and reads it (Minari's keys, plus `prunerl`). */
export interface DatasetMetadata {
  dataset_id: string;
  total_episodes: number;
  total_steps: number;
  data_format: 'hdf5';
  minari_version: string;
  observation_space: string;
  action_space: string;
  env_spec?: string;
  algorithm_name?: string;
  prunerl: DatasetOrigin;
}

/** Gymnasium's registrations of the envs prunerl re-implements (id, entry point, time limit, threshold). */
const gymnasiumSpecs: Record<string, { entry_point: string; max_episode_steps: number; reward_threshold: number }> = {
  'CartPole-v1': { entry_point: 'gymnasium.envs.classic_control.cartpole:CartPoleEnv', max_episode_steps: 500, reward_threshold: 475 },
  'Acrobot-v1': { entry_point: 'gymnasium.envs.classic_control.acrobot:AcrobotEnv', max_episode_steps: 500, reward_threshold: -100 },
};

/**
 * Gymnasium's EnvSpec as JSON (what EnvSpec.from_json reads back), for envs Gymnasium registers; undefined for the
 * others (MinAtar's prunerl ids), which Minari accepts: the dataset then cannot recreate its env in Python.
 */
export function gymnasiumEnvSpec(env: string): string | undefined {
  const spec = gymnasiumSpecs[env];
  if (!spec) return undefined;
  return JSON.stringify({
    id: env, entry_point: spec.entry_point, reward_threshold: spec.reward_threshold, nondeterministic: false,
    max_episode_steps: spec.max_episode_steps, order_enforce: true, disable_env_checker: false, kwargs: {},
    additional_wrappers: [], vector_entry_point: null,
  });
}

/** A value repeated into nested arrays of `shape` (Minari's Box stores low and high element by element). */
function filled(shape: number[], value: number): unknown {
  if (shape.length === 0) return value;
  const [first, ...rest] = shape;
  return Array.from({ length: first }, () => filled(rest, value));
}

/** Minari's serialisation of a Gymnasium Box (serialize_space): type, dtype, shape, low, high. */
export function serializeBox(space: BoxSpace): string {
  return JSON.stringify({ type: 'Box', dtype: space.dtype, shape: space.shape, low: filled(space.shape, space.low), high: filled(space.shape, space.high) });
}

/** Minari's serialisation of a Gymnasium Discrete: actions start..start+n−1 (prunerl's start at 0). */
export function serializeDiscrete(space: DiscreteSpace): string {
  return JSON.stringify({ type: 'Discrete', dtype: 'int64', start: 0, n: space.n });
}

/** The observation space a dataset declares, refused in one line unless it is a Box prunerl can train on. */
export function parseBox(text: string, where: string): Pick<BoxSpace, 'shape' | 'dtype'> {
  let value: { type?: unknown; dtype?: unknown; shape?: unknown };
  try {
    value = JSON.parse(text);
  } catch {
    throw new RangeError(`Expected observation_space in ${where} to be Minari's JSON of a Box but it does not parse`);
  }
  const shape = value.shape;
  if (value.type !== 'Box' || !Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 1)) {
    throw new RangeError(`Expected observation_space in ${where} to be a Box with a shape but received ${text.slice(0, 80)}`);
  }
  if (value.dtype !== 'float32' && value.dtype !== 'uint8') {
    throw new RangeError(`Expected observation_space.dtype in ${where} to be float32 or uint8 but received ${String(value.dtype).slice(0, 40)}`);
  }
  return { shape: shape as number[], dtype: value.dtype };
}

/** The number of actions of a dataset's Discrete action space (starting at 0), refused in one line otherwise. */
export function parseDiscrete(text: string, where: string): number {
  let value: { type?: unknown; n?: unknown; start?: unknown };
  try {
    value = JSON.parse(text);
  } catch {
    throw new RangeError(`Expected action_space in ${where} to be Minari's JSON of a Discrete space but it does not parse`);
  }
  if (value.type !== 'Discrete' || !Number.isSafeInteger(value.n) || (value.n as number) < 1 || (value.start ?? 0) !== 0) {
    throw new RangeError(`Expected action_space in ${where} to be Discrete(n) starting at 0 but received ${text.slice(0, 80)}`);
  }
  return value.n as number;
}
