// Builds a Minari-layout dataset folder (minari_layout.ts) from a replay journal, atomically: everything is written
// into a hidden temp folder next to the target, fsynced, and renamed into place, so a reader finds either no
// dataset or a whole one. An episode still running when the run ended is kept with its last step marked truncated
// (the recording cut it, as a time limit would: its last observation is still a state to bootstrap from).
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import h5wasm from 'h5wasm/node';
import { writeTextFileAtomic } from '../export/atomic_file.js';
import {
  DATA_DIR, HDF5_FILE, METADATA_FILE, MINARI_VERSION_SPECIFIER, episodeGroupName, gymnasiumEnvSpec, serializeBox,
  serializeDiscrete, type DatasetMetadata, type DatasetOrigin,
} from './minari_layout.js';
import { readJournal, RESET, type JournalLayout } from './replay_journal.js';
import type { BoxSpace, DiscreteSpace } from '../envs/env.js';

export interface DatasetDescription {
  /** Minari's dataset id, e.g. cartpole/dqn-v0. */
  datasetId: string;
  observationSpace: BoxSpace;
  actionSpace: DiscreteSpace;
  origin: DatasetOrigin;
}

/** One episode being gathered: observations (reset + each next one) and per-step arrays. */
class EpisodeArrays {
  readonly seed: number;
  readonly obs: number[][] = [];
  readonly actions: number[] = [];
  readonly rewards: number[] = [];
  readonly terminations: number[] = [];
  readonly truncations: number[] = [];
  constructor(seed: number, firstObs: ArrayLike<number>) {
    this.seed = seed;
    this.obs.push(Array.from(firstObs));
  }
  get steps(): number {
    return this.actions.length;
  }
  get ended(): boolean {
    return this.steps > 0 && (this.terminations[this.steps - 1] === 1 || this.truncations[this.steps - 1] === 1);
  }
}

type H5File = InstanceType<typeof h5wasm.File>;

function writeEpisode(file: H5File, id: number, e: EpisodeArrays, layout: JournalLayout, shape: number[]): void {
  const group = file.create_group(episodeGroupName(id));
  group.create_attribute('id', id, [], '<q');
  group.create_attribute('total_steps', e.steps, [], '<q');
  group.create_attribute('seed', e.seed, [], '<q');
  const flat = layout.observationDtype === 'uint8' ? new Uint8Array(e.obs.length * layout.observationSize) : new Float32Array(e.obs.length * layout.observationSize);
  e.obs.forEach((o, i) => flat.set(o, i * layout.observationSize));
  group.create_dataset({ name: 'observations', data: flat, shape: [e.obs.length, ...shape], dtype: layout.observationDtype === 'uint8' ? '<B' : '<f' });
  group.create_dataset({ name: 'actions', data: BigInt64Array.from(e.actions, (a) => BigInt(a)), shape: [e.steps], dtype: '<q' });
  group.create_dataset({ name: 'rewards', data: Float64Array.from(e.rewards), shape: [e.steps], dtype: '<d' });
  group.create_dataset({ name: 'terminations', data: Uint8Array.from(e.terminations), shape: [e.steps], dtype: '<B' });
  group.create_dataset({ name: 'truncations', data: Uint8Array.from(e.truncations), shape: [e.steps], dtype: '<B' });
}

function fsyncPath(path: string): void {
  try {
    const fd = openSync(path, 'r');
    fsyncSync(fd);
    closeSync(fd);
  } catch {
    // Some file systems refuse fsync on a folder; the rename is still atomic.
  }
}

/**
 * Writes the dataset at `target` from the journal at `journalPath`; returns its episode and step counts. An
 * existing dataset at `target` (an earlier finish of the same run) is replaced.
 */
export async function writeDataset(target: string, journalPath: string, layout: JournalLayout, d: DatasetDescription): Promise<{ episodes: number; steps: number }> {
  await h5wasm.ready;
  target = resolve(target);
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(join(temp, DATA_DIR), { recursive: true });
  const hdf5 = join(temp, DATA_DIR, HDF5_FILE);
  let episodes = 0, steps = 0;
  try {
    const file = new h5wasm.File(hdf5, 'w');
    try {
      let current: EpisodeArrays | null = null;
      const finish = (): void => {
        if (current && current.steps > 0) {
          if (!current.ended) current.truncations[current.steps - 1] = 1;
          writeEpisode(file, episodes++, current, layout, d.observationSpace.shape);
          steps += current.steps;
        }
        current = null;
      };
      for (const r of readJournal(journalPath, layout)) {
        if (r.kind === RESET) {
          finish();
          current = new EpisodeArrays(r.reward, r.obs);
          continue;
        }
        if (!current) throw new Error(`Expected the replay journal ${journalPath} to start an episode with a reset before frame ${r.frame}`);
        const e: EpisodeArrays = current;
        e.obs.push(Array.from(r.obs));
        e.actions.push(r.action);
        e.rewards.push(r.reward);
        e.terminations.push(r.terminated ? 1 : 0);
        e.truncations.push(r.truncated ? 1 : 0);
        if (r.terminated || r.truncated) finish();
      }
      finish();
      const metadata = metadataOf(d, episodes, steps);
      // The same facts as root attributes, as Minari before 0.5 kept them.
      for (const [key, value] of Object.entries(metadata)) {
        if (typeof value === 'number') file.create_attribute(key, value, [], '<q');
        else file.create_attribute(key, typeof value === 'string' ? value : JSON.stringify(value));
      }
      file.flush();
    } finally {
      file.close();
    }
    fsyncPath(hdf5);
    writeTextFileAtomic(join(temp, DATA_DIR, METADATA_FILE), JSON.stringify(metadataOf(d, episodes, steps), null, 2) + '\n');
    fsyncPath(join(temp, DATA_DIR));
    if (existsSync(target)) {
      const old = `${temp}.old`;
      renameSync(target, old);
      renameSync(temp, target);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(temp, target);
    }
    fsyncPath(dirname(target));
  } catch (err) {
    rmSync(temp, { recursive: true, force: true });
    throw err;
  }
  return { episodes, steps };
}

function metadataOf(d: DatasetDescription, episodes: number, steps: number): DatasetMetadata {
  const spec = gymnasiumEnvSpec(d.origin.env);
  return {
    dataset_id: d.datasetId, total_episodes: episodes, total_steps: steps, data_format: 'hdf5',
    minari_version: MINARI_VERSION_SPECIFIER,
    observation_space: serializeBox(d.observationSpace), action_space: serializeDiscrete(d.actionSpace),
    ...(spec ? { env_spec: spec } : {}),
    algorithm_name: `prunerl ${d.origin.agent}`,
    prunerl: d.origin,
  };
}
