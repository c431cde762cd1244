// Starts one training run as a child process and reports how it ended.
// The command is `node bin/prunerl.js train --config <dir>/config.json --out <dir> [--resume]`; PRUNERL_TRAIN_COMMAND
// (a JSON array, e.g. ["node","test/fixtures/fake_trainer.mjs"]) replaces the part before `train`, so tests and
// other launchers (a container, `nice`) can stand in for the real trainer.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { constants } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from '../validate.js';

/** src/sweep/ and dist/sweep/ both sit two levels below the repository root. */
const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

export function trainCommandPrefix(env: NodeJS.ProcessEnv = process.env): string[] {
  const raw = env.PRUNERL_TRAIN_COMMAND;
  if (raw === undefined || raw === '') return [process.execPath, join(repoRoot, 'bin', 'prunerl.js')];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = raw;
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((p) => typeof p === 'string')) {
    throw new TypeError(`Expected a JSON array of strings for PRUNERL_TRAIN_COMMAND but received ${describe(parsed)}`);
  }
  return parsed as string[];
}

// The supervisor between us and the trainer. A parent killed with SIGKILL cannot stop its children, and an
// orphaned trainer would go on writing into a run another worker has taken over. The supervisor holds a pipe
// from its parent on stdin; the pipe closes when the parent dies, however it dies, and the supervisor then stops
// the trainer. Inline (node -e) so it works the same from src/ under tests and from dist/.
const supervisorSource = `
const { spawn } = require('node:child_process');
const { constants } = require('node:os');
const [command, ...args] = process.argv.slice(1);
const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
const stop = (signal) => { if (child.exitCode === null && child.signalCode === null) child.kill(signal); };
const stopHard = () => { stop('SIGTERM'); setTimeout(() => stop('SIGKILL'), 5000).unref(); };
process.stdin.on('end', stopHard);
process.stdin.on('error', stopHard);
process.stdin.resume();
for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(s, () => stop(s));
child.on('error', (err) => { console.error('cannot start trainer ' + command + ': ' + err.message); process.exit(127); });
child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 1)));
`;

export interface TrainExit {
  /** The trainer's exit code (128 + n for signal n). */
  code: number;
}

export interface TrainProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<TrainExit>;
  /** Asks the trainer to stop (SIGTERM); its last checkpoint is where a resume starts. */
  stop(): void;
}

export interface StartTrainOptions {
  resume: boolean;
  prefix?: string[];
  env?: NodeJS.ProcessEnv;
}

/** Starts the trainer on <runDir>/config.json, appending its output to <runDir>/train.log. */
export function startTrain(runDir: string, options: StartTrainOptions): TrainProcess {
  const prefix = options.prefix ?? trainCommandPrefix(options.env);
  const args = ['train', '--config', join(runDir, 'config.json'), '--out', runDir, ...(options.resume ? ['--resume'] : [])];
  const log = openSync(join(runDir, 'train.log'), 'a');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, ['-e', supervisorSource, ...prefix, ...args], {
      stdio: ['pipe', log, log],
      env: options.env ?? process.env,
    });
  } finally {
    closeSync(log); // the child has its own copy of the descriptor
  }
  child.stdin?.on('error', () => {}); // the supervisor exiting first is normal
  const exited = new Promise<TrainExit>((resolveExit) => {
    child.on('error', () => resolveExit({ code: 127 }));
    child.on('exit', (code, signal) => resolveExit({ code: code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0) }));
  });
  return {
    child,
    exited,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}
