// `prunerl worker --queue redis://host:port`: trains runs that `prunerl sweep --queue` put on the queue, until
// stopped. Ctrl-C stops the running trainers and puts their runs back in the queue; they resume from checkpoints.
import type { Command } from 'commander';
import { expectQueueUrl } from '../../sweep/queue.js';
import { startQueueWorker } from '../../sweep/queue_worker.js';
import { integerFlag, interruptSignal } from './cli_numbers.js';

interface WorkerFlags {
  queue?: string; workDir: string; concurrency: string; lockMs: string;
}

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('Train runs from a sweep queue (see `prunerl sweep --queue`) until stopped')
    .requiredOption('--queue <url>', 'the Redis the sweep was queued on (redis://host:port)')
    .option('--work-dir <dir>', 'where runs train and keep checkpoints', 'prunerl-work')
    .option('--concurrency <n>', 'runs trained at once on this machine', '1')
    .option('--lock-ms <ms>', 'a run whose worker has been silent this long is handed to another worker', '30000')
    .action(async (flags: WorkerFlags) => {
      const url = expectQueueUrl(flags.queue);
      const lockMs = integerFlag(flags.lockMs, '--lock-ms', 1000)!;
      const worker = await startQueueWorker({
        url,
        workDir: flags.workDir,
        concurrency: integerFlag(flags.concurrency, '--concurrency', 1, 256),
        lockDurationMs: lockMs,
        stalledIntervalMs: lockMs,
      });
      const interrupt = interruptSignal();
      await new Promise<void>((resolveStop) => interrupt.signal.addEventListener('abort', () => resolveStop(), { once: true }));
      console.error('worker: stopping; running runs go back to the queue');
      await worker.close();
      interrupt.dispose();
    });
}
