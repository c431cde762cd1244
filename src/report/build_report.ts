// `prunerl report`: a sweep folder (or several, pooled) in, <sweep-dir>/report/ out: report.html, report.json,
// final_iqm.md and every figure as SVG and PNG. A folder of `prunerl train --offline` runs (offline_runs.ts) is
// reported the same way, scored by the greedy return and normalised by each dataset's behaviour return.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expectInteger, expectNumberIn, expectOneOf } from '../validate.js';
import { reportFigures } from './figures.js';
import { htmlReport, markdownTable } from './html_report.js';
import { defaultNormalization, loadReferences, makeNormalizer, normalizations, type NormalizationKind } from './normalize.js';
import { scoreKinds, scoreSource, type ScoreKind } from './score.js';
import { svgToPng } from './png.js';
import { computeReport, type ReportData } from './report_data.js';
import { loadSweepResults } from './sweep_results.js';
import { loadOfflineRuns, runSubfolders } from './offline_runs.js';
import { manifestName } from '../sweep/sweep_dir.js';
import { existsSync } from 'node:fs';

export interface BuildReportOptions {
  /** Where to write; needed when several sweep folders make one report (default: <sweep-dir>/report). */
  out?: string;
  /** The report's title (default: the sweeps' names). */
  name?: string;
  /**
   * Default: human when --reference gives human scores for every task; else reference when every task has a
   * reference (built in for MinAtar); else none (raw returns). Min-max only when asked for.
   */
  normalize?: NormalizationKind;
  /** Which return: 'train' (finalTrainReturn, Dopamine's and the paper's, default) or 'eval' (greedy; offline runs' only one). */
  score?: ScoreKind;
  reference?: string;
  reps?: number;
  curveReps?: number;
  confidence?: number;
  seed?: number;
  /** Skip PNG rendering (SVG and HTML only). */
  png?: boolean;
}

export interface BuiltReport {
  dir: string;
  data: ReportData;
  files: string[];
}

export function buildReport(sweepDirs: string | readonly string[], options: BuildReportOptions = {}): BuiltReport {
  const dirs = typeof sweepDirs === 'string' ? [sweepDirs] : [...sweepDirs];
  if (dirs.length === 0) throw new RangeError('Expected at least one sweep folder for sweep-dir but received none');
  if (dirs.length > 1 && options.out === undefined) {
    throw new RangeError(`Expected --out with ${dirs.length} sweep folders (one report for all of them) but received no --out`);
  }
  // A sweep folder (sweep.json), or a folder of offline runs; one report is of one kind.
  const offline = dirs.map((d) => !existsSync(join(d, manifestName)) && runSubfolders(d).length > 0);
  if (offline.some((o) => o) && !offline.every((o) => o)) {
    throw new RangeError(`Expected only sweep folders or only folders of offline runs for sweep-dir but received both (${dirs.filter((_, i) => offline[i]).join(', ')} hold offline runs)`);
  }
  const results = offline[0] ? loadOfflineRuns(dirs, options.name) : loadSweepResults(dirs, options.name);
  if (results.configurations.length === 0) {
    throw new RangeError(`Expected at least one finished run in ${dirs.join(', ')} but received none (${results.unfinished.length} unfinished)`);
  }
  const references = options.reference ? loadReferences(options.reference) : {};
  const kind = options.normalize !== undefined
    ? expectOneOf(options.normalize, '--normalize', normalizations)
    : defaultNormalization(results.tasks, references, offline[0]);
  // Offline runs take no env steps, so their only return is the greedy evaluation's.
  const scoreKind = expectOneOf(options.score ?? (offline[0] ? 'eval' : 'train'), '--score', scoreKinds);
  if (offline[0] && scoreKind !== 'eval') throw new RangeError(`Expected --score eval for offline runs (they take no env steps, so they have no training return) but received ${scoreKind}`);
  const score = scoreSource(scoreKind);
  const norm = makeNormalizer(kind, results, score, references);
  const data = computeReport(results, norm, {
    score,
    reps: expectInteger(options.reps ?? 10_000, '--reps', 1, 10_000_000),
    curveReps: expectInteger(options.curveReps ?? 1000, 'curveReps', 1, 10_000_000),
    confidence: expectNumberIn(options.confidence ?? 0.95, '--confidence', 0.5, 0.999),
    seed: expectInteger(options.seed ?? 0, '--seed', 0),
  });
  const dir = resolve(options.out ?? join(dirs[0]!, 'report'));
  mkdirSync(dir, { recursive: true });
  const figures = reportFigures(data);
  const files: string[] = [];
  const write = (name: string, content: string | Buffer) => {
    writeFileSync(join(dir, name), content);
    files.push(name);
  };
  for (const f of figures) {
    write(`${f.name}.svg`, f.svg);
    if (options.png !== false) write(`${f.name}.png`, svgToPng(f.svg));
  }
  write('report.json', `${JSON.stringify(data, null, 2)}\n`);
  write('final_iqm.md', `${markdownTable(data)}\n`);
  write('report.html', htmlReport(data, figures));
  return { dir, data, files };
}
