// Golden traces recorded from the reference (kenjyoung/MinAtar 1.0.15 with numpy; format in fixtures/README.md)
// and the scripted Rng that replays their draws, refusing any draw whose kind or bounds differ from the record.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { Rng } from '../src/rng.js';
import type { GameName } from '../src/games/index.js';

export type Draw = ['u', number] | ['i', number, number, number];

export interface TraceEvent {
  reset?: { draws: Draw[]; obs: number[] };
  step?: { action: number; draws: Draw[]; reward: number; terminal: boolean; obs: number[] };
}

export interface Trace {
  game: GameName;
  seed: number;
  policy: string;
  stickyActionProb: number;
  difficultyRamping: boolean;
  shape: [number, number, number];
  events: TraceEvent[];
}

export const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** The traces shared by the project (fixtures/*.json.gz) and, with `heuristic`, the extra ones (fixtures/heuristic/). */
export function traceFiles(set: 'shared' | 'heuristic' = 'shared'): string[] {
  const dir = set === 'shared' ? fixturesDir : join(fixturesDir, 'heuristic');
  const prefix = set === 'shared' ? '' : 'heuristic/';
  return readdirSync(dir).filter((f) => f.endsWith('.json.gz')).sort().map((f) => prefix + f);
}

export function loadTrace(file: string): Trace {
  return JSON.parse(gunzipSync(readFileSync(join(fixturesDir, file))).toString('utf8')) as Trace;
}

/** Returns the recorded draws of one event in order; throws on any mismatch with what the env asks for. */
export class ScriptedRng implements Rng {
  #draws: Draw[] = [];
  #next = 0;
  #where = '';

  /** Starts an event: `draws` are what the reference drew during it. */
  load(draws: Draw[], where: string): void {
    this.#draws = draws;
    this.#next = 0;
    this.#where = where;
  }

  /** Throws unless every draw of the event was used. */
  finish(): void {
    if (this.#next !== this.#draws.length) {
      throw new Error(`${this.#where}: the env made ${this.#next} draws, the reference ${this.#draws.length}: ${JSON.stringify(this.#draws)}`);
    }
  }

  uniform(): number {
    const draw = this.#take('uniform()');
    if (draw[0] !== 'u') throw new Error(`${this.#where}: draw ${this.#next - 1} was uniform() here, ${JSON.stringify(draw)} in the reference`);
    return draw[1];
  }

  integer(low: number, high: number): number {
    const draw = this.#take(`integer(${low}, ${high})`);
    if (draw[0] !== 'i' || draw[1] !== low || draw[2] !== high) {
      throw new Error(`${this.#where}: draw ${this.#next - 1} was integer(${low}, ${high}) here, ${JSON.stringify(draw)} in the reference`);
    }
    return draw[3];
  }

  #take(what: string): Draw {
    if (this.#next >= this.#draws.length) {
      throw new Error(`${this.#where}: the env drew ${what} after the reference's ${this.#draws.length} draws`);
    }
    return this.#draws[this.#next++];
  }
}

/** The flat indices of the ones in an observation (the traces' `obs` format). */
export function onesOf(obs: Uint8Array): number[] {
  const ones: number[] = [];
  for (let i = 0; i < obs.length; i++) if (obs[i] === 1) ones.push(i);
  return ones;
}
