// `prunerl report <sweep-dir>`: aggregate a sweep's runs (or a folder of offline runs) into tables and figures (see src/report/).
import type { Command } from 'commander';
import { buildReport } from '../../report/build_report.js';
import { markdownTable } from '../../report/html_report.js';
import type { NormalizationKind } from '../../report/normalize.js';
import type { ScoreKind } from '../../report/score.js';
import { integerFlag } from './cli_numbers.js';

interface ReportFlags {
  out?: string; name?: string; normalize?: string; score?: string; reference?: string; reps: string; seed: string; png: boolean;
}

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('Aggregate a sweep: IQM and mean with stratified-bootstrap CIs, profiles, curves (HTML, SVG, PNG)')
    .argument('<sweep-dir...>', 'a folder written by `prunerl sweep`, or a folder of `prunerl train --offline` runs; several are pooled into one report (needs --out)')
    .option('--out <dir>', 'where to write the report (default: <sweep-dir>/report)')
    .option('--name <title>', "the report's title (default: the sweeps' names)")
    .option('--normalize <kind>', 'human, reference, behaviour, minmax or none (default: human if --reference has human scores for every env; reference if every env has a reference score (built in for MinAtar: random = 0, Young & Tian\'s DQN = 1); behaviour for offline runs (random = 0, the dataset\'s mean episode return = 1); else none)')
    .option('--reference <file>', 'JSON { "<env>": { "random": n, "human": n } } or { "<env>": { "random": n, "reference": n } }')
    .option('--score <kind>', "train: the mean training return over the last 10% of frames (Dopamine's, the paper's; the default); eval: the greedy evaluation return (the only one of offline runs, their default)")
    .option('--reps <n>', 'bootstrap replicates for final scores', '10000')
    .option('--seed <n>', 'bootstrap seed', '0')
    .option('--no-png', 'write SVG and HTML only')
    .action((sweepDirs: string[], flags: ReportFlags) => {
      const report = buildReport(sweepDirs, {
        out: flags.out,
        name: flags.name,
        normalize: flags.normalize as NormalizationKind | undefined,
        score: flags.score as ScoreKind | undefined,
        reference: flags.reference,
        reps: integerFlag(flags.reps, '--reps', 1, 10_000_000),
        seed: integerFlag(flags.seed, '--seed', 0),
        png: flags.png,
      });
      console.log(markdownTable(report.data));
      console.error(`report written to ${report.dir}/report.html (${report.files.length} files)`);
    });
}
