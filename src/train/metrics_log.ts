// Per-evaluation metrics, appended to <run>/metrics.jsonl and <run>/metrics.csv. On resume both files are cut back
// to the rows the checkpoint knew about, so a run killed between a metrics line and its checkpoint never repeats one.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { writeTextFileAtomic } from '../export/atomic_file.js';
import { join } from 'node:path';

export interface MetricsRow {
  step: number;
  frames: number;
  trainReturn: number | null;
  evalReturn: number;
  loss: number | null;
  sparsity: number;
  layerSparsity: number[];
  paramsKept: number;
  flopsPerUpdate: number;
  /** τ-dormant neurons (τ = 0.1) over the hidden ReLU layers, conv channels counted as neurons. */
  dormantFraction: number | null;
  /** The same per ReLU layer, in network order. */
  dormantPerLayer: number[] | null;
  /** srank of the penultimate features on probeStates replay states. */
  srank: number | null;
  probeStates: number;
  updatesPerSecond: number;
  envStepsPerSecond: number;
}

const csvColumns: (keyof MetricsRow)[] = [
  'step', 'frames', 'trainReturn', 'evalReturn', 'loss', 'sparsity', 'layerSparsity', 'paramsKept',
  'flopsPerUpdate', 'dormantFraction', 'dormantPerLayer', 'srank', 'probeStates', 'updatesPerSecond', 'envStepsPerSecond',
];

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return `"${value.map((v) => Number(v).toFixed(4)).join(' ')}"`;
  return String(value);
}

export class MetricsLog {
  readonly jsonlPath: string;
  readonly csvPath: string;
  #rows: number;

  /** Opens the logs of `runDir`, keeping the first `keepRows` rows (0 for a fresh run). */
  constructor(runDir: string, keepRows: number) {
    this.jsonlPath = join(runDir, 'metrics.jsonl');
    this.csvPath = join(runDir, 'metrics.csv');
    const lines = existsSync(this.jsonlPath) ? readFileSync(this.jsonlPath, 'utf8').split('\n').filter((l) => l.length > 0) : [];
    const kept = lines.slice(0, keepRows);
    this.#rows = kept.length;
    // Rebuilt atomically (never truncate-then-write): a kill here leaves the old log, which the next resume cuts again.
    writeTextFileAtomic(this.jsonlPath, kept.map((l) => l + '\n').join(''));
    const header = csvColumns.join(',') + '\n';
    writeTextFileAtomic(this.csvPath, header + kept.map((l) => this.#csvLine(JSON.parse(l) as MetricsRow)).join(''));
  }

  get rows(): number {
    return this.#rows;
  }

  append(row: MetricsRow): void {
    appendFileSync(this.jsonlPath, JSON.stringify(row) + '\n');
    appendFileSync(this.csvPath, this.#csvLine(row));
    this.#rows++;
  }

  #csvLine(row: MetricsRow): string {
    return csvColumns.map((c) => csvCell(row[c])).join(',') + '\n';
  }
}
