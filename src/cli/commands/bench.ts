// `prunerl bench train|kernels|prune`. `bench train` times the product's own learner update (see
// src/bench/train_update_bench.ts); `kernels` and `prune` run the kernel suites in bench/ (a checkout only: the
// npm package does not ship bench/). `npm run bench -- <suite>` stays as the checkout's alias.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { architectureNames, type ArchitectureName } from '../../nn/architectures.js';
import { benchTrainUpdate, trainBenchPeers } from '../../bench/train_update_bench.js';
import { integerFlag } from './cli_numbers.js';
import { presetFor, presetNames, type PresetName } from '../../train/presets.js';
import { benchAgentFromFlags } from './bench_agent.js';

interface BenchTrainFlags { net: string; width: string; sparsity: string; agent: string; device: string; seconds: string; learner: string; peer: string; preset?: string; json?: boolean }

function oneOf<T extends string>(value: string, flag: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new RangeError(`Expected one of ${allowed.join(', ')} for ${flag} but received '${value}'`);
  return value as T;
}

function numberIn(value: string, flag: string, low: number, high: number, highOpen: boolean): number {
  const n = Number(value);
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(value) || !(n >= low) || (highOpen ? !(n < high) : !(n <= high))) {
    throw new RangeError(`Expected a number in [${low}, ${high}${highOpen ? ')' : ']'} for ${flag} but received '${value}'`);
  }
  return n;
}

/** bench/ beside dist/ (dist/cli/commands → the package root). */
function benchSuite(name: string): string {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  const file = join(root, 'bench', `${name}.js`);
  if (!existsSync(file)) throw new Error(`Expected the benchmark suite bench/${name}.js of a prunerl checkout but it is not in ${root} (the npm package does not ship bench/; clone the repository)`);
  return file;
}

export function registerBenchCommand(program: Command): void {
  const bench = program.command('bench').description('benchmarks: the learner update (train), the kernels, magnitude pruning');
  bench
    .command('train')
    .description('time full learner updates of the agent `prunerl train` would build, on random MinAtar- or CartPole-shaped batches')
    .option('--net <name>', `${architectureNames.join(', ')} (mlp times CartPole-shaped batches, the others MinAtar-shaped)`, 'minatar')
    .option('--width <n>', 'width multiplier, an integer in [1, 16]', '1')
    .option('--sparsity <s>', 'final sparsity in [0, 1), applied with the configured distribution (ERK by default)', '0.95')
    .option('--agent <name>', 'dqn, rainbow, iqn, miqn or sac (sac: Pendulum-shaped batches, --net mlp)', 'dqn')
    .option('--device <name>', 'cpu or cuda (without a GPU: the CPU, saying why in one line)', 'cpu')
    .option('--seconds <n>', 'seconds of timed updates, an integer in [1, 600]', '3')
    .option('--learner <name>', 'native (the fused update train runs), reference (the TypeScript one) or both, timed in turns', 'both')
    .option('--preset <name>', `a preset under the flags, as train's; its agent and net unless --agent/--net are given (${presetNames.join(', ')})`)
    .option('--peer <name>', 'none, or pytorch: the same update in PyTorch eager on the CPU (python3-torch), timed in turns with ours', 'none')
    .option('--json', 'print one JSON object instead of a sentence')
    .action(async (flags: BenchTrainFlags, command: Command) => {
      const peer = oneOf(flags.peer, '--peer', trainBenchPeers);
      const preset = flags.preset === undefined ? undefined : oneOf<PresetName>(flags.preset, '--preset', presetNames);
      if (preset) {
        // The preset's agent and network stand in for --agent's and --net's defaults, as `prunerl train` takes them.
        const given = (name: string) => command.getOptionValueSource(name) === 'cli';
        const values = presetFor(preset);
        if (!given('agent') && values.agent) flags.agent = values.agent;
        if (!given('net') && values.net) flags.net = values.net;
        if (flags.agent !== 'dqn' && flags.agent !== 'rainbow') throw new RangeError(`Expected --agent dqn or rainbow with --preset (the other agents' benches take no preset) but received '${flags.agent}'`);
      }
      if (peer !== 'none' && flags.agent !== 'dqn') throw new RangeError(`Expected --agent dqn with --peer ${peer} but received '${flags.agent}'`);
      if (await benchAgentFromFlags(flags, command)) return; // iqn, miqn and sac: bench_agent.ts
      const learner = oneOf(flags.learner, '--learner', ['native', 'reference', 'both'] as const);
      const result = await benchTrainUpdate({
        peer, preset,
        learner: learner === 'reference' ? 'reference' : 'native',
        compareReference: learner === 'both',
        net: oneOf<ArchitectureName>(flags.net, '--net', architectureNames),
        width: integerFlag(flags.width, '--width', 1, 16)!,
        sparsity: numberIn(flags.sparsity, '--sparsity', 0, 1, true),
        agent: oneOf(flags.agent, '--agent', ['dqn', 'rainbow'] as const),
        device: oneOf(flags.device, '--device', ['cpu', 'cuda'] as const),
        seconds: integerFlag(flags.seconds, '--seconds', 1, 600)!,
        warn: (message) => console.error(message),
      });
      if (flags.json) {
        console.log(JSON.stringify(result));
        return;
      }
      console.log(`${result.agent} ${result.net} ×${result.width} at sparsity ${result.sparsity} (${result.observation}-shaped batches of ${result.batchSize}, ${result.deviceUsed}, ${result.threads} threads): ` +
        `${result.updatesPerSecond.toFixed(0)} updates/s, median ${result.medianUpdateMicroseconds.toFixed(0)} µs (${result.learner} learner` +
        (result.reference ? `; the TypeScript reference update beside it: ${result.reference.updatesPerSecond.toFixed(0)} updates/s, ` +
          `median ${result.reference.medianUpdateMicroseconds.toFixed(0)} µs, ×${result.speedupOverReference!.toFixed(2)}` : '') + '); ' +
        (result.peer ? `PyTorch ${result.peer.torch} eager beside it (${result.peer.threads} threads, ${result.peer.blas.split('/').pop()}): ${result.peer.updatesPerSecond.toFixed(1)} updates/s, ` +
          `median ${result.peer.medianUpdateMicroseconds.toFixed(0)} µs, ours ×${result.speedupOverPeer!.toFixed(1)}, check ${result.peer.check.toExponential(1)}; ` : '') +
        `${result.keptWeights} of ${result.totalWeights} weights kept (${result.representations.join('/')}); load average ${result.loadAverage.before.toFixed(2)}`);
    });
  for (const suite of ['kernels', 'prune'] as const) {
    bench
      .command(suite)
      .description(suite === 'kernels' ? 'dense, masked and CSR kernels side by side (writes bench/results/)' : 'magnitude pruning speed (writes bench/results/)')
      .option('--json', 'also print the results as JSON')
      .allowUnknownOption(true)
      .action(async (flags: { json?: boolean }, command: Command) => {
        const mod = (await import(pathToFileURL(benchSuite(suite)).href)) as { run(options: { json: boolean; args: string[] }): Promise<void> };
        await mod.run({ json: !!flags.json, args: command.args });
      });
  }
}
