// `prunerl export <run-dir> --out policy.onnx [--sparse] [--opset N]`: writes the run's policy as ONNX, then
// prints the file size (and the other storage's, for comparison), the parameters kept, and onnxruntime's latency
// at batch 1 and 256 beside our native forward pass on this machine.
import type { Command } from 'commander';
import { exportOnnx, DEFAULT_OPSET, type ExportOnnxResult } from '../../export/export_onnx.js';
import { MAX_OPSET } from '../../export/onnx_graph_builder.js';
import { sparseIndexTypes, type SparseIndexType } from '../../export/onnx_initializers.js';
import { measureLatency, type LatencyReport } from '../../export/onnx_latency.js';
import { loadPolicy } from '../../train/policy_file.js';
import { checkOnnxAgainstPolicy } from '../../export/onnx_check.js';
import { integerFlag } from './cli_numbers.js';

interface ExportFlags {
  out: string;
  sparse?: boolean;
  sparseIndices: string;
  opset?: string;
  latency: boolean;
}

function size(bytes: number): string {
  const text = bytes >= 1e6 ? `${(bytes / 1e6).toFixed(2)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes.toLocaleString('en-US')} bytes (${text})`;
}

function summary(r: ExportOnnxResult): string[] {
  const other = r.sparse ? r.denseBytes : r.sparseBytes;
  const ratio = r.sparse ? `${(r.denseBytes / r.bytes).toFixed(1)}× larger` : `${(r.bytes / r.sparseBytes).toFixed(1)}× smaller`;
  const stored = r.layers.filter((l) => l.storage === 'sparse').length;
  const pruned = 1 - r.parameters.kept / r.parameters.total;
  return [
    `wrote ${r.path} (opset ${r.opset}, ${r.sparse ? `sparse initializers for ${stored} of ${r.layers.length} weight layers` : 'dense'})`,
    `file size: ${size(r.bytes)}; ${r.sparse ? 'dense' : 'with --sparse'}: ${size(other)}, ${ratio}`,
    `parameters kept: ${r.parameters.kept.toLocaleString('en-US')} of ${r.parameters.total.toLocaleString('en-US')} (${(100 * pruned).toFixed(1)}% pruned)`,
  ];
}

function latencyTable(report: LatencyReport): string[] {
  const row = (label: string, cells: string[]) => label.padEnd(40) + cells.map((c) => c.padStart(12)).join('');
  const ms = (v: number) => (v < 1 ? v.toFixed(3) : v.toFixed(2));
  return [
    row(`latency, median ms per call (${report.threads} threads)`, report.rows.map((r) => `batch ${r.batch}`)),
    row(`  onnxruntime ${report.onnxruntimeVersion}`, report.rows.map((r) => ms(r.onnxruntimeMs))),
    row(`  prunerl native (${report.simd})`, report.rows.map((r) => ms(r.nativeMs))),
  ];
}

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('export a run\'s policy (policy.prl) to ONNX, checked by and timed in onnxruntime')
    .argument('<run-dir>', 'run directory (or a policy.prl file)')
    .requiredOption('--out <file>', 'the .onnx file to write')
    .option('--sparse', 'store pruned weight tensors as sparse initializers (COO) where smaller')
    .option('--sparse-indices <type>', 'sparse index type: int64 (the ONNX standard) or compact (int8/16/32, onnxruntime only)', 'int64')
    .option('--opset <n>', `ONNX opset, up to ${MAX_OPSET} (default: ${DEFAULT_OPSET})`)
    .option('--no-latency', 'skip the onnxruntime latency comparison')
    .action(async (runDir: string, flags: ExportFlags) => {
      const opset = integerFlag(flags.opset, '--opset', 1, MAX_OPSET);
      if (!sparseIndexTypes.includes(flags.sparseIndices as SparseIndexType)) {
        throw new RangeError(`Expected one of ${sparseIndexTypes.join(', ')} for --sparse-indices but received '${flags.sparseIndices}'`);
      }
      const policy = loadPolicy(runDir);
      try {
        const result = exportOnnx(policy, { out: flags.out, sparse: !!flags.sparse, opset, sparseIndices: flags.sparseIndices as SparseIndexType });
        for (const line of summary(result)) console.log(line);
        try {
          const c = await checkOnnxAgainstPolicy(policy, result.path);
          const continuous = policy.head.kind === 'tanh-gaussian'; // SAC: the output is the action itself
          console.log(`checked in onnxruntime against the native policy on ${c.observations} random observations: max |Δ${continuous ? 'action' : 'q'}| ${c.maxAbsQDifference.toExponential(2)} ` +
            `(max |${continuous ? 'action' : 'q'}| ${c.maxAbsQ.toFixed(3)}), ${continuous ? 'actions within 1e-5' : 'greedy actions agree'} on ${c.actionsAgreeing}/${c.observations}`);
        } catch (err) {
          console.log(`check: skipped (${(err as Error).message.split('\n')[0]})`);
        }
        if (!flags.latency) return;
        try {
          for (const line of latencyTable(await measureLatency(policy, result.path))) console.log(line);
        } catch (err) {
          console.log(`latency: skipped (${(err as Error).message.split('\n')[0]})`);
        }
      } finally {
        policy.network.dispose();
      }
    });
}
