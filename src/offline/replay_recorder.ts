// `prunerl train --save-replay DATASET`: every reset and step of the training env goes into the run's replay
// journal (replay_journal.ts) as it happens; the trainer calls sync() before each checkpoint, so a resumed run finds
// the journal at least as far as its checkpoint and cuts it back to exactly there; finish() turns the journal into
// the Minari-layout dataset (dataset_writer.ts). The recorder wraps the env rather than the trainer's loop, so the
// loop only has to say when it checkpoints and when it ends.
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Env, Observation, StepResult } from '../envs/env.js';
import { ReplayJournal, RESET, STEP, type JournalLayout } from './replay_journal.js';
import { writeDataset, type DatasetDescription } from './dataset_writer.js';
import type { DatasetOrigin } from './minari_layout.js';

export const REPLAY_JOURNAL_FILE = 'replay_journal.bin';

/**
 * Minari's id for a dataset folder: its name in word characters, with a version (-v0) if it has none, and, when the
 * name has no `env-` part before its dataset name, the env's (Minari's older parser, (env_name-)dataset_name-vN,
 * reads a one-part name as the env and finds no version): `mydata` recorded on CartPole-v1 is cartpole-mydata-v0.
 */
export function datasetIdOf(dataset: string, env: string): string {
  let name = basename(resolve(dataset)).replace(/[^\w.-]/g, '_').replace(/^[^A-Za-z0-9]+/, '') || 'dataset';
  if (!/-v\d+$/.test(name)) name = `${name}-v0`;
  if (!/^[A-Za-z0-9_]+-[\w:.-]+-v\d+$/.test(name)) {
    const envName = env.replace(/-v\d+$/, '').split('/').pop()!.replace(/\W/g, '').toLowerCase() || 'env';
    name = `${envName}-${name}`;
  }
  return name;
}

export interface RecorderOptions {
  /** The dataset folder to write at the end. */
  dataset: string;
  /** The run directory (holds the journal). */
  runDir: string;
  origin: DatasetOrigin;
  /** The checkpoint's frame when the run resumes; undefined for a fresh run. */
  resumeFrame?: number;
}

export class ReplayRecorder {
  readonly dataset: string;
  readonly journal: ReplayJournal;
  readonly #layout: JournalLayout;
  readonly #origin: DatasetOrigin;
  #frame: number;
  #env: Env | null = null;

  private constructor(dataset: string, journal: ReplayJournal, layout: JournalLayout, origin: DatasetOrigin, frame: number) {
    this.dataset = dataset;
    this.journal = journal;
    this.#layout = layout;
    this.#origin = origin;
    this.#frame = frame;
  }

  /**
   * Starts (or, on resume, continues) recording `env`'s transitions. A fresh run refuses a dataset folder that
   * already exists, so an earlier dataset is never overwritten by accident.
   */
  static open(env: Env, o: RecorderOptions): ReplayRecorder {
    const dataset = resolve(o.dataset);
    const layout: JournalLayout = {
      observationSize: env.observationSpace.shape.reduce((a, b) => a * b, 1),
      observationDtype: env.observationSpace.dtype,
    };
    const journalPath = join(o.runDir, REPLAY_JOURNAL_FILE);
    if (o.resumeFrame === undefined) {
      if (existsSync(dataset)) throw new RangeError(`Expected --save-replay to name a folder that does not exist yet but ${dataset} exists; remove it or choose another path`);
      return new ReplayRecorder(dataset, ReplayJournal.create(journalPath, layout), layout, o.origin, 0);
    }
    return new ReplayRecorder(dataset, ReplayJournal.resume(journalPath, layout, o.resumeFrame), layout, o.origin, o.resumeFrame);
  }

  /** `env` with every reset and step recorded; close and snapshot/restore (mid-episode checkpoints) pass through. */
  wrap(env: Env): Env {
    this.#env = env;
    const journal = this.journal;
    const withState = env as Env & { snapshot?: () => unknown; restore?: (s: unknown) => void };
    const wrapped: Env & { snapshot?: () => unknown; restore?: (s: unknown) => void } = {
      id: env.id,
      observationSpace: env.observationSpace,
      actionSpace: env.actionSpace,
      reset: (seed?: number): Observation => {
        const obs = env.reset(seed);
        journal.append({ kind: RESET, frame: this.#frame, reward: seed ?? -1, action: 0, terminated: false, truncated: false, obs });
        return obs;
      },
      step: (action: number): StepResult => {
        const r = env.step(action);
        this.#frame++;
        journal.append({ kind: STEP, frame: this.#frame, reward: r.reward, action, terminated: r.terminated, truncated: r.truncated, obs: r.obs });
        if (r.terminated || r.truncated) journal.flush();
        return r;
      },
      close: () => env.close?.(),
    };
    if (typeof withState.snapshot === 'function' && typeof withState.restore === 'function') {
      wrapped.snapshot = () => withState.snapshot!();
      wrapped.restore = (s: unknown) => withState.restore!(s);
    }
    return wrapped;
  }

  /** Call before each checkpoint: the journal reaches the checkpoint's frame on disk. */
  sync(): void {
    this.journal.sync();
  }

  /** Writes the dataset from the journal (atomically); returns its size. */
  async finish(): Promise<{ episodes: number; steps: number }> {
    this.journal.close();
    const env = this.#env;
    if (!env) throw new Error('Expected the recorder to wrap an env before finish()');
    const description: DatasetDescription = {
      datasetId: datasetIdOf(this.dataset, this.#origin.env), observationSpace: env.observationSpace, actionSpace: env.actionSpace, origin: this.#origin,
    };
    return writeDataset(this.dataset, this.journal.path, this.#layout, description);
  }
}
