// The `prunerl` command: one commander program; each command lives in src/cli/commands/<name>.ts and registers
// itself. Errors a user caused print one line (no stack trace) and exit with status 2.
import { Command, CommanderError } from 'commander';
import { prunerlVersion } from '../version.js';
import { registerTrainCommand } from './commands/train.js';
import { registerEvalCommand } from './commands/eval.js';
import { registerExportCommand } from './commands/export.js';
import { registerPlayCommand } from './commands/play.js';
import { registerSweepCommand } from './commands/sweep.js';
import { registerWorkerCommand } from './commands/worker.js';
import { registerReportCommand } from './commands/report.js';
import { registerBenchCommand } from './commands/bench.js';
import { commanderErrorLine, forEachCommand } from './commander_errors.js';

export function buildProgram(): Command {
  const program = new Command('prunerl')
    .description('Train value-based RL agents with gradual magnitude pruning; export pruned policies to ONNX')
    .version(prunerlVersion)
    .showHelpAfterError(false);
  registerTrainCommand(program);
  registerEvalCommand(program);
  registerExportCommand(program);
  registerPlayCommand(program);
  registerSweepCommand(program);
  registerWorkerCommand(program);
  registerReportCommand(program);
  registerBenchCommand(program);
  // One way of writing defaults in every --help: `(default: 10)`, not commander's JSON `(default: "10")`.
  forEachCommand(program, (c) => {
    for (const option of c.options) {
      if (typeof option.defaultValue === 'string' && option.defaultValueDescription === undefined) option.defaultValueDescription = option.defaultValue;
    }
  });
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  // Commander's errors go through the catch below, so they read and exit like every other refusal.
  forEachCommand(program, (c) => c.exitOverride().configureOutput({ outputError: () => {} }));
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and --version end with exit code 0; every other commander error is a refusal.
      if (err.exitCode === 0) return;
      console.error(`prunerl: ${commanderErrorLine(err)}`);
      process.exitCode = 2;
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    console.error(`prunerl: ${message.split('\n')[0]}`);
    if (process.env.PRUNERL_DEBUG) console.error(err);
    process.exitCode = 2;
  }
}
