// optimizer.momentum in a training config: RMSProp with momentum trains and resumes exactly (its buffer is in the
// checkpoint), and checkpoints written before the momentum slot existed (4 optimizer arrays per weight layer, in
// PRUNERL2 and in checksum-less PRUNERL1 files) still resume to the same result.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig, type TrainConfigInput } from '../../src/train/train_config.js';
import { train } from '../../src/train/trainer.js';
import { loadPolicy } from '../../src/train/policy_file.js';
import { readArchive, writeArchive } from '../../src/train/archive.js';

const small: TrainConfigInput = {
  env: 'CartPole-v1', frames: 2000, learningStarts: 300, evalEvery: 1000, evalEpisodes: 1, checkpointEvery: 300,
  batchSize: 16, seed: 11,
};
const tempRun = () => mkdtempSync(join(tmpdir(), 'prunerl-momentum-'));

function weightsOf(dir: string): number[][] {
  const policy = loadPolicy(dir);
  const out = policy.network.params().map((p) => Array.from(policy.network.getWeight(p.index)));
  policy.network.dispose();
  return out;
}

async function interrupted(config: ReturnType<typeof resolveConfig>): Promise<string> {
  const cut = tempRun();
  await expect(train(config, {
    out: cut, onProgress: (p) => { if (p.frames >= 0.6 * config.frames) throw new Error('interrupted'); },
  })).rejects.toThrow('interrupted');
  return cut;
}

describe('optimizer.momentum', () => {
  it('is refused for optimizers other than RMSProp, naming the key', () => {
    expect(() => resolveConfig({ optimizer: { type: 'adam', lr: 1e-3, momentum: 0.9 } })).toThrow(/optimizer\.momentum applies to rmsprop only/);
    expect(() => resolveConfig({ optimizer: { type: 'rmsprop', lr: 1e-3, momentum: 1 } })).toThrow(/optimizer\.momentum/);
  });

  it('RMSProp with momentum > 0 trains, differs from momentum 0, and resumes exactly from its checkpoint', async () => {
    const optimizer = { type: 'rmsprop' as const, lr: 2.5e-4, alpha: 0.95, eps: 0.01, centered: true };
    const withMomentum = resolveConfig({ ...small, optimizer: { ...optimizer, momentum: 0.9 } });
    const without = resolveConfig({ ...small, optimizer: { ...optimizer, momentum: 0 } });
    const [a, b] = [tempRun(), tempRun()];
    const summary = await train(withMomentum, { out: a });
    await train(without, { out: b });
    expect(summary.frames).toBe(2000);
    expect(weightsOf(a).flat().every(Number.isFinite)).toBe(true);
    expect(weightsOf(a)).not.toEqual(weightsOf(b));
    // The checkpoint holds the momentum buffer: without it the resumed run would take different steps.
    const cut = await interrupted(withMomentum);
    await train(withMomentum, { out: cut, resume: true });
    expect(weightsOf(cut)).toEqual(weightsOf(a));
  });

  it('checkpoints in the old optimizer layout (4 arrays per weight layer), PRUNERL2 and PRUNERL1, resume exactly', async () => {
    const config = resolveConfig({ ...small, preset: 'minatar-dqn', env: 'minatar/breakout', frames: 1500, learningStarts: 300, epsilonDecayFrames: 600 });
    const whole = tempRun();
    await train(config, { out: whole });
    for (const magic of ['PRUNERL2', 'PRUNERL1']) {
      const cut = await interrupted(config);
      const path = join(cut, 'checkpoint.prl');
      const { header, tensors } = readArchive<{ optimizerTensors: number }>(path);
      const layers = header.optimizerTensors / 6;
      expect(Number.isInteger(layers) && layers > 0).toBe(true);
      // Today's layout per layer: weight slots 0, 1, 2 then bias slots 0, 1, 2; the old one had no slot 2.
      const old = new Map([...tensors].filter(([name]) => !name.startsWith('opt')));
      let k = 0;
      for (let l = 0; l < layers; l++) for (const s of [0, 1, 3, 4]) old.set(`opt${k++}`, tensors.get(`opt${6 * l + s}`)!);
      writeArchive(path, { ...header, optimizerTensors: 4 * layers }, old);
      if (magic === 'PRUNERL1') {
        // A PRUNERL1 file is the same layout without the SHA-256 trailer.
        const bytes = readFileSync(path);
        const v1 = Buffer.concat([Buffer.from('PRUNERL1'), bytes.subarray(8, bytes.length - 32)]);
        writeFileSync(path, v1);
      }
      const warnings: string[] = [];
      expect(readArchive(path, { warn: (m) => warnings.push(m) }).header).toMatchObject({ optimizerTensors: 4 * layers });
      expect(warnings.length).toBe(magic === 'PRUNERL1' ? 1 : 0);
      await train(config, { out: cut, resume: true });
      expect(weightsOf(cut), magic).toEqual(weightsOf(whole));
    }
  });
});
