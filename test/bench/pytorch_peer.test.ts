// `prunerl bench train --peer pytorch` (issue 12's targets are ratios to it): the flag, the one-line errors when
// python3 or torch is missing, and, where python3-torch is installed, that PyTorch times the same update as ours.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { benchCli } from '../helpers/bench_cli.js';
import { PytorchPeer, updateDifference } from '../../src/bench/pytorch_peer.js';

/** Whether a python3 the peer tries (python3 on the PATH, then Debian's /usr/bin/python3) imports torch. */
function torchImports(python: string): boolean {
  try {
    execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}
const hasTorch = torchImports('python3') || torchImports('/usr/bin/python3');
// These tests check the computation, not the speed: libgomp's default spinning makes a 2-thread PyTorch update take
// ~1 s on a machine whose cores are busy (measured at load 9 on 2 cores), passive waiting ~20 ms.
process.env.OMP_WAIT_POLICY ??= 'passive';

describe('bench train --peer', () => {
  it('refuses a bad --peer value and agents the peer does not implement, naming the flags', async () => {
    await expect(benchCli('--peer', 'tensorflow')).rejects.toThrow("Expected one of none, pytorch for --peer but received 'tensorflow'");
    await expect(benchCli('--peer', 'pytorch', '--agent', 'iqn')).rejects.toThrow("Expected --agent dqn with --peer pytorch but received 'iqn'");
    await expect(benchCli('--peer', 'pytorch', '--net', 'impala', '--sparsity', '0')).rejects.toThrow(/Expected --net mlp, minatar or nature with --peer pytorch/);
    await expect(benchCli('--preset', 'atari')).rejects.toThrow(/^Expected one of cartpole-dqn, minatar-dqn, .* for --preset but received 'atari'$/);
    await expect(benchCli('--preset', 'dopamine-iqn')).rejects.toThrow("Expected --agent dqn or rainbow with --preset (the other agents' benches take no preset) but received 'iqn'");
  });

  it('says in one line what to install when python3 is missing or cannot import torch', async () => {
    const noPython = PytorchPeer.start(1, ['python3-that-does-not-exist']);
    await expect(noPython).rejects.toThrow(/^Expected python3 on the PATH for --peer pytorch but it was not found; .*apt-get install python3-torch/);
    // python3 -S leaves out site-packages and dist-packages, where torch lives: python3 without torch.
    const noTorch = PytorchPeer.start(1, ['python3', '-S']);
    await expect(noTorch).rejects.toThrow(/^Expected python3 with PyTorch for --peer pytorch but python3 could not import torch .*apt-get install python3-torch/);
  });

  it('without --peer times ours alone', async () => {
    const r = JSON.parse((await benchCli('--net', 'mlp', '--sparsity', '0', '--learner', 'native', '--json'))[0]!);
    expect(r.peer).toBeUndefined();
    expect(r.speedupOverPeer).toBeUndefined();
  });

  it('updateDifference: relative to the largest change of ours, 0 when both sides moved alike', () => {
    const before = [Float32Array.of(1, 2)], ours = [Float32Array.of(1.5, 2)];
    expect(updateDifference(before, ours, [Float32Array.of(1.5, 2)])).toBe(0);
    expect(updateDifference(before, ours, [Float32Array.of(1.25, 2.1)])).toBeCloseTo(0.5, 6);
  });

  // The MinAtar DQN at ×1, dense and 95% pruned (ERK, CSR/masked layers): the same update on both sides.
  for (const sparsity of ['0', '0.95']) {
    it.skipIf(!hasTorch)(`times PyTorch beside ours on the MinAtar ×1 update at sparsity ${sparsity}, the same computation (needs python3-torch)`, async () => {
      const r = JSON.parse((await benchCli('--net', 'minatar', '--sparsity', sparsity, '--learner', 'native', '--peer', 'pytorch', '--json'))[0]!);
      expect(r.peer.name).toBe('pytorch');
      expect(r.peer.updatesPerSecond).toBeGreaterThan(0);
      expect(r.peer.updates).toBeGreaterThan(0);
      expect(r.peer.threads).toBe(r.threads);
      expect(r.peer.torch).toMatch(/^\d+\.\d+/);
      expect(r.peer.ompWaitPolicy).toBe(process.env.OMP_WAIT_POLICY);
      expect(r.speedupOverPeer).toBeCloseTo(r.updatesPerSecond / r.peer.updatesPerSecond, 10);
      expect(r.peer.check).toBeGreaterThanOrEqual(0);
      expect(r.peer.check).toBeLessThan(1e-2);
    }, 60_000);
  }

  // minatar-dqn: centered RMSProp (ε 0.01 after the square root), batch 32, no double DQN, on both sides.
  it.skipIf(!hasTorch)('times the minatar-dqn preset\'s update on both sides alike (needs python3-torch)', async () => {
    const r = JSON.parse((await benchCli('--preset', 'minatar-dqn', '--sparsity', '0', '--learner', 'native', '--peer', 'pytorch', '--json'))[0]!);
    expect(r.batchSize).toBe(32);
    expect(r.peer.updatesPerSecond).toBeGreaterThan(0);
    expect(r.peer.check).toBeLessThan(1e-2);
  }, 60_000);
});
