// `prunerl train`: flags and an optional JSON config file → a validated TrainConfig → the trainer, with a
// progress bar on a terminal and plain periodic lines otherwise.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { parsePartialConfig, resolveConfig, trainConfigSchema, type TrainConfigInput } from '../../train/train_config.js';
import { train, type TrainProgress } from '../../train/trainer.js';
import { presetNames } from '../../train/presets.js';
import { clip, refuseUnsafeKeys } from '../../config_keys.js';
import { stableJson } from '../../sweep/grid.js';
import { freshRunDir, runMarkerIn } from '../../train/run_dir.js';
import { checkFlagValue } from '../flag_values.js';
import { expectRegisteredEnv } from '../../envs/registry.js';
import { registerBuiltinEnvs } from '../../envs/builtin.js';
import { CHECKPOINT_FILE, readCheckpointHeader } from '../../train/checkpoint.js';
import { datasetEnv } from '../../offline/dataset_reader.js';

interface TrainFlags {
  env?: string; agent?: string; preset?: string; net?: string; width?: string; sparsity?: string;
  schedule?: string; distribution?: string; frames?: string; seed?: string; out?: string; config?: string;
  resume?: boolean; force?: boolean; quiet?: boolean; device?: string; set?: string[];
  offline?: string; saveReplay?: string;
}

/** Decimal numbers only: Number() would also take '0x10', '0b1', ' 12 ' and 'Infinity'. */
const decimalNumber = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function number(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!decimalNumber.test(value) || !Number.isFinite(Number(value))) {
    throw new RangeError(`Expected a decimal number for --${name} but received '${clip(value)}'`);
  }
  return Number(value);
}

function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`Expected a readable JSON file for --config but could not read ${path} (${(err as NodeJS.ErrnoException).code})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`Expected valid JSON in --config ${path} but ${(err as Error).message}`);
  }
}

/** `--set key=value` pairs; values are JSON where they parse (numbers, booleans, objects), strings otherwise. */
function setPairs(pairs: string[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new RangeError(`Expected key=value for --set but received '${clip(pair)}'`);
    const key = pair.slice(0, eq), raw = pair.slice(eq + 1);
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
    // defineProperty, not assignment: `out.__proto__ = …` would set the prototype and the key would vanish.
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  refuseUnsafeKeys(out, '--set');
  return out;
}

/**
 * --resume continues the run its checkpoint describes, so options given with it must agree with the checkpoint:
 * any that would change the run are refused by name with the run's value (repeating the original ones is fine).
 */
function refuseRunChangesOnResume(out: string, given: TrainConfigInput): void {
  const checkpoint = join(out, CHECKPOINT_FILE);
  if (!existsSync(checkpoint)) return; // the trainer says there is nothing to resume
  const saved = readCheckpointHeader(checkpoint).config as Record<string, unknown>;
  const changed = Object.entries(given).filter(([key, value]) => value !== undefined && stableJson(saved[key]) !== stableJson(value));
  if (changed.length > 0) {
    const list = changed.map(([key, value]) => `${key} ${clip(stableJson(value), 40)} (the run has ${clip(stableJson(saved[key]) ?? 'unset', 40)})`).join(', ');
    throw new RangeError(`Expected options given with --resume to match the run in ${out} but ${list} would change it; drop them (--out is all --resume needs) or train into another --out`);
  }
}

function flagsToConfig(f: TrainFlags): TrainConfigInput {
  // Flags that were not given must not hide a --set of the same key, so undefined ones are dropped first.
  const given = Object.fromEntries(Object.entries({
    env: f.env, agent: f.agent, preset: f.preset, net: f.net, width: number(f.width, 'width'),
    sparsity: number(f.sparsity, 'sparsity'), schedule: f.schedule, distribution: f.distribution,
    frames: number(f.frames, 'frames'), seed: number(f.seed, 'seed'), device: f.device,
    offline: f.offline, saveReplay: f.saveReplay,
  }).filter(([, v]) => v !== undefined));
  // Each flag is checked on its own first, so a refusal names the flag as typed and both bounds.
  for (const [key, value] of Object.entries(given)) {
    checkFlagValue(key === 'saveReplay' ? '--save-replay' : `--${key}`, key as keyof typeof trainConfigSchema.shape, String(f[key as keyof TrainFlags]), value);
  }
  return parsePartialConfig({ ...setPairs(f.set), ...given }, 'command-line flags');
}

function defaultOut(c: { env: string; agent: string; width: number; sparsity: number; seed: number }): string {
  return join('runs', `${c.env.replace(/\//g, '-')}-${c.agent}-w${c.width}-s${c.sparsity}-seed${c.seed}`);
}

function progressPrinter(quiet: boolean): { update(p: TrainProgress): void; stop(): void } {
  if (quiet) return { update() {}, stop() {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar({
      format: 'train [{bar}] {percentage}% | {value}/{total} frames | {fps} frames/s | return {ret} | eval {evalRet} | sparsity {sp}',
      hideCursor: true,
    }, cliProgress.Presets.shades_classic);
    let started = false, t0 = performance.now(), f0 = 0;
    return {
      update(p) {
        const fps = Math.round((p.frames - f0) / Math.max(1e-3, (performance.now() - t0) / 1000));
        const payload = { fps, ret: p.lastTrainReturn?.toFixed(1) ?? '-', evalRet: p.lastEvalReturn?.toFixed(1) ?? '-', sp: p.sparsity.toFixed(3) };
        if (!started) { bar.start(p.totalFrames, p.frames, payload); started = true; t0 = performance.now(); f0 = p.frames; }
        else bar.update(p.frames, payload);
      },
      stop() { if (started) bar.stop(); },
    };
  }
  let lastPrinted = -1;
  return {
    update(p) {
      const decile = Math.floor((10 * p.frames) / p.totalFrames);
      if (decile === lastPrinted) return;
      lastPrinted = decile;
      // The run's clock, not this process's: a resumed run's log goes on from where it stopped.
      console.error(`train ${p.frames}/${p.totalFrames} frames (${p.elapsedSeconds.toFixed(0)} s) | return ${p.lastTrainReturn?.toFixed(1) ?? '-'} | eval return ${p.lastEvalReturn?.toFixed(1) ?? '-'} | sparsity ${p.sparsity.toFixed(3)}`);
    },
    stop() {},
  };
}

/**
 * The run folder: --out as given, refused when it holds a run unless --resume or --force says what to do with
 * it; the default folder moves to a fresh -2, -3… suffix instead of overwriting an earlier run.
 */
function runDirectory(flags: TrainFlags, fallback: string): string {
  if (flags.resume && flags.force) throw new RangeError('Expected one of --resume or --force but received both');
  if (flags.resume) {
    const out = resolve(flags.out ?? fallback);
    const checkpoint = join(out, CHECKPOINT_FILE);
    // Without a checkpoint the trainer refuses with its own one-line error.
    if (existsSync(checkpoint) && !flags.quiet) {
      const { loop } = readCheckpointHeader(checkpoint);
      console.error(`resuming ${out} from frame ${loop.frames}, update ${loop.updates}`);
    }
    return out;
  }
  if (flags.out === undefined) return resolve(freshRunDir(fallback));
  const marker = runMarkerIn(resolve(flags.out));
  if (marker !== undefined && !flags.force) {
    throw new RangeError(`Expected a new or empty folder for --out but ${flags.out} holds a run (${marker}); pass --resume to continue it or --force to overwrite it`);
  }
  return resolve(flags.out);
}

export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description('train a DQN, Rainbow, IQN, M-IQN or SAC agent, pruned gradually (default: a short pruned DQN on CartPole-v1)')
    .option('--env <id>', 'environment id (CartPole-v1, Acrobot-v1, minatar/<game>; Pendulum-v1, MountainCarContinuous-v0 for sac)')
    .option('--agent <name>', 'dqn, rainbow, iqn, miqn (discrete actions) or sac (continuous actions); cql or cql-c51 with --offline')
    .option('--preset <name>', `named settings: ${presetNames.join(', ')}`)
    .option('--net <name>', 'mlp, minatar, nature or impala (default: mlp for vectors, minatar for grids)')
    .option('--width <n>', 'width multiplier (the paper: 1, 3, 5); multiplies conv channels, not the dense hidden layer (--set widthScales=all for both)')
    .option('--sparsity <s>', 'final sparsity in [0, 1); 0 trains dense (default: 0.9)')
    .option('--schedule <name>', 'polynomial (gradual, the paper) or constant (one shot)')
    .option('--distribution <name>', 'erk (default; solved once at the final sparsity, each layer ramped by the schedule), uniform or global (L2-normalised scores; --set globalScores=raw for |w|)')
    .option('--frames <n>', 'env steps to train for (with --offline: gradient steps)')
    .option('--offline <dataset>', "train cql or cql-c51 from a Minari-layout dataset folder only, no env steps; the env (the dataset's unless --env) only evaluates")
    .option('--save-replay <dataset>', "record every transition of this run into a new dataset folder, Minari's HDF5 layout (data/main_data.hdf5, data/metadata.json)")
    .option('--seed <n>', 'random seed')
    .option('--device <name>', 'cpu (default) or cuda')
    .option('--out <dir>', 'run directory (default: runs/<env>-<agent>-w<width>-s<sparsity>-seed<seed>)')
    .option('--config <file>', 'JSON file of any config keys (flags override it)')
    .option('--set <key=value...>', 'any other config key, e.g. --set evalEvery=1000 batchSize=32 double=false')
    .option('--resume', 'continue the run in --out from its checkpoint')
    .option('--force', 'overwrite the run already in --out (without it, train refuses a folder that holds one)')
    .option('--quiet', 'no progress output')
    .addHelpText('after', `
What the numbers mean (as the paper and its reference code define them):
  width            multiplies convolution channels; the dense hidden layer keeps its size (MinAtar net 128,
                   NatureCNN and Impala 512). widthScales=all scales it too (parameters then grow with width²).
  targetUpdateFrames  env steps between target-network syncs (Dopamine and MinAtar count agent steps):
                   dopamine-dqn / dopamine-rainbow 8000, minatar-dqn 1000.
  pruning          sparsity follows s_F·(1 − (1 − t')³) over the updates from pruneStart to pruneEnd (20%–80%),
                   masks every 1000 updates; ERK per-layer sparsities are solved once at s_F and scaled by the
                   schedule's fraction.
  metrics.jsonl    per evaluation: trainReturn (mean of training episodes since the last one), evalReturn (greedy),
                   dormantFraction (τ = 0.1, conv channels and dense units of the hidden ReLU layers, and
                   dormantPerLayer), srank (δ = 0.01, penultimate features, on ≥ 2048 replay states).
  summary.json     finalTrainReturn: mean return of the training episodes ending in the last 10% of frames
                   (the score Dopamine and the paper report; prunerl report uses it), and finalEvalReturn.`)
    .action(async (flags: TrainFlags) => {
      const fromFile = flags.config ? parsePartialConfig(readConfigFile(flags.config), `--config ${flags.config}`) : {};
      const fromFlags = flagsToConfig(flags);
      registerBuiltinEnvs();
      // --offline: the env the dataset was recorded in, unless --env or the config file names one.
      const offline = fromFlags.offline ?? (fromFile as TrainConfigInput).offline;
      if (offline !== undefined && !flags.resume && fromFlags.env === undefined && (fromFile as TrainConfigInput).env === undefined) fromFlags.env = datasetEnv(offline);
      const envId = fromFlags.env ?? (fromFile as TrainConfigInput).env;
      if (envId !== undefined) await expectRegisteredEnv(envId, flags.env !== undefined ? '--env' : 'env');
      const config = resolveConfig(fromFile, fromFlags);
      const out = runDirectory(flags, defaultOut(config));
      if (flags.resume) refuseRunChangesOnResume(out, { ...fromFile, ...fromFlags });
      const progress = progressPrinter(!!flags.quiet);
      const summary = await train(config, { out, resume: !!flags.resume, onProgress: (p) => progress.update(p) });
      progress.stop();
      if (!flags.quiet) {
        console.log(`done: ${summary.frames} frames of ${summary.agent} on ${summary.env}; final eval return ${summary.finalEvalReturn.toFixed(1)}, ` +
          `sparsity ${summary.achievedSparsity.toFixed(3)}, ${summary.updatesPerSecond.toFixed(0)} updates/s, ${summary.envStepsPerSecond.toFixed(0)} env steps/s`);
        console.log(`results: ${out} (metrics.jsonl, metrics.csv, summary.json, checkpoint.prl, policy.prl)`);
        if (summary.savedReplay) console.log(`dataset: ${summary.savedReplay.dataset} (${summary.savedReplay.episodes} episodes, ${summary.savedReplay.steps} steps; Minari's HDF5 layout)`);
      }
    });
}
