// The crash test every run kind shares: run `prunerl train` to the end once, then run it again, SIGKILL it at a
// random moment after its first checkpoint (up to three times, resuming each time), and resume it to the end.
// `expectKilledRunMatches` is the whole test (both runs and the comparison); `killAndResume` only drives the processes.
import { expect } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readArchive } from '../../src/train/archive.js';

const cli = join(process.cwd(), 'bin', 'prunerl.js');

/** Runs the CLI to its end and expects it to succeed (stderr shown if it does not). */
export function runCliToEnd(args: readonly string[]): void {
  const run = spawnSync(process.execPath, [cli, ...args]);
  expect(run.status, run.stderr.toString()).toBe(0);
}

function running(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface KillAndResume {
  /** CLI arguments of the run (after bin/prunerl.js); `--resume` is appended on every restart. */
  args: readonly string[];
  /** The run's checkpoint file: the kill comes only after it exists. */
  checkpoint: string;
  /** A file that exists once the run has finished (then no more kills). */
  finished: string;
  /** Checked after every stop, killed or not: whatever the moment, what is on disk must be whole. */
  afterEachStop(): void | Promise<void>;
}

/** Kills the run while it works (at least once, at most three times), then resumes it to its end. */
export async function killAndResume(run: KillAndResume): Promise<void> {
  let killed = 0;
  for (let attempt = 0; attempt < 3 && !existsSync(run.finished); attempt++) {
    const child = spawn(process.execPath, [cli, ...run.args, ...(attempt > 0 ? ['--resume'] : [])]);
    const exited = new Promise((r) => child.once('exit', r));
    await sleep(150);
    while (!existsSync(run.checkpoint) && running(child)) await sleep(20);
    await sleep(50 + Math.random() * 400);
    if (running(child)) { child.kill('SIGKILL'); killed++; }
    await exited;
    await run.afterEachStop();
  }
  expect(killed, 'the run finished before it could be killed').toBeGreaterThan(0);
  if (!existsSync(run.finished)) runCliToEnd([...run.args, '--resume']);
}

/** metrics.jsonl of a run without its two wall-clock columns (the only ones a resume may change). */
export function metricsWithoutClock(dir: string): unknown[] {
  return readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => {
    const { updatesPerSecond: _u, envStepsPerSecond: _e, ...rest } = JSON.parse(line) as Record<string, unknown>;
    return rest;
  });
}

export interface KilledRunCase {
  /** The train config (written to a file and passed with --config). */
  config: object;
  /** Two empty run folders: one for the uninterrupted run, one for the killed and resumed run. */
  whole: string;
  cut: string;
  /** What must be equal at the end besides the metrics: the weights of the run's networks, read from its folder. */
  stateOf(dir: string): unknown;
}

/** Trains `config` to the end once, then kills and resumes a second run of it: both must end the same. */
export async function expectKilledRunMatches({ config, whole, cut, stateOf }: KilledRunCase): Promise<void> {
  const configFile = join(whole, 'input.json');
  writeFileSync(configFile, JSON.stringify(config));
  const args = (out: string) => ['train', '--quiet', '--config', configFile, '--out', out];
  runCliToEnd(args(whole));
  await killAndResume({
    args: args(cut), checkpoint: join(cut, 'checkpoint.prl'), finished: join(cut, 'summary.json'),
    afterEachStop: () => { expect(() => readArchive(join(cut, 'checkpoint.prl'))).not.toThrow(); },
  });
  expect(metricsWithoutClock(cut)).toEqual(metricsWithoutClock(whole));
  expect(stateOf(cut)).toEqual(stateOf(whole));
  // At most the temp files of the two atomic writes a kill can interrupt.
  expect(readdirSync(cut).filter((f) => f.endsWith('.tmp')).length).toBeLessThanOrEqual(2);
}
