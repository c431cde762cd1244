// `prunerl sweep <sweep.json>`: every run of a grid, on a local pool of trainer processes or through a queue.
import type { Command } from 'commander';
import { runSweep } from '../../sweep/run_sweep.js';
import { expectQueueUrl } from '../../sweep/queue.js';
import { integerFlag, interruptSignal } from './cli_numbers.js';

interface SweepFlags {
  out?: string; jobs?: string; retries?: string; queue?: string; attempts?: string; detach?: boolean; quiet?: boolean;
}

export function registerSweepCommand(program: Command): void {
  program
    .command('sweep')
    .description('Train every run of a sweep file (a grid of train options); rerun the same command to resume')
    .argument('<sweep.json>', 'sweep file: { "name", "base": {options}, "grid": {option: [values]} }')
    .option('--out <dir>', 'sweep folder (default: sweeps/<name>)')
    .option('--jobs <n>', 'local: trainers at once (default: the number of cores)')
    .option('--retries <n>', 'local: further attempts for a failed run, resuming from its checkpoint', '1')
    .option('--queue <url>', 'distribute through BullMQ on this Redis (redis://host:port); start `prunerl worker` on each machine')
    .option('--attempts <n>', 'queue: tries per run before it is reported failed', '3')
    .option('--detach', 'queue: enqueue the runs and return; run the command again later to collect results')
    .option('--quiet', 'no progress display')
    .action(async (file: string, flags: SweepFlags) => {
      if (flags.queue !== undefined) expectQueueUrl(flags.queue);
      if (flags.detach && flags.queue === undefined) throw new RangeError(`Expected --queue with --detach but received no --queue`);
      const interrupt = interruptSignal();
      try {
        const result = await runSweep(file, {
          out: flags.out,
          jobs: integerFlag(flags.jobs, '--jobs', 1, 1024),
          retries: integerFlag(flags.retries, '--retries', 0, 100),
          queue: flags.queue,
          attempts: integerFlag(flags.attempts, '--attempts', 1, 100),
          detach: flags.detach,
          quiet: flags.quiet,
          signal: interrupt.signal,
        });
        const pending = result.runs.length - result.finished.length - result.skipped.length - result.failed.length;
        console.error(
          `sweep ${result.sweepDir}: ${result.runs.length} runs, ${result.finished.length} finished now, ` +
            `${result.skipped.length} already finished, ${result.failed.length} failed, ${pending} not finished`,
        );
        for (const f of result.failed) console.error(`  failed ${f.id}: ${f.reason}`);
        if (result.abandoned) console.error(`gave up: runs in a row failed before training a frame with "${result.abandoned}"; fix that and run the same command again`);
        if (result.interrupted) console.error('stopped; run the same command again to resume');
        else if (flags.detach) console.error('enqueued; run the same command again to collect the results');
        process.exitCode = result.interrupted ? 130 : result.failed.length > 0 ? 1 : 0;
      } finally {
        interrupt.dispose();
      }
    });
}
