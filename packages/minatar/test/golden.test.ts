// Replays every golden trace recorded from the reference through a scripted Rng: the env must make the same draws
// (kind, bounds, order, count) and reproduce every observation, reward and terminal flag exactly.
import { describe, expect, it } from 'vitest';
import { make } from '../src/environment.js';
import { ScriptedRng, loadTrace, onesOf, traceFiles, type Trace } from './golden_trace.js';

/** Replays a trace; returns the first difference from the reference as a message, or null when there is none. */
function replay(trace: Trace): string | null {
  const rng = new ScriptedRng();
  const env = make(trace.game, { rng, stickyActionProb: trace.stickyActionProb, difficultyRamping: trace.difficultyRamping });
  if (env.observationSpace.shape.join() !== trace.shape.join()) return `shape ${env.observationSpace.shape} != ${trace.shape}`;
  const same = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
  for (const [index, event] of trace.events.entries()) {
    const where = `${trace.game} seed ${trace.seed} (${trace.policy}) event ${index}`;
    if (event.reset) {
      rng.load(event.reset.draws, `${where} reset`);
      const obs = onesOf(env.reset());
      rng.finish();
      if (!same(obs, event.reset.obs)) return `${where} reset: obs ${JSON.stringify(obs)} != ${JSON.stringify(event.reset.obs)}`;
    } else if (event.step) {
      const step = event.step;
      rng.load(step.draws, `${where} step(${step.action})`);
      const result = env.step(step.action);
      rng.finish();
      const obs = onesOf(result.obs);
      if (!same(obs, step.obs)) return `${where} step(${step.action}): obs ${JSON.stringify(obs)} != ${JSON.stringify(step.obs)}`;
      if (result.reward !== step.reward) return `${where} step(${step.action}): reward ${result.reward} != ${step.reward}`;
      if (result.terminated !== step.terminal) return `${where} step(${step.action}): terminated ${result.terminated} != ${step.terminal}`;
      if (result.truncated) return `${where} step(${step.action}): truncated, which MinAtar never is`;
    }
  }
  return null;
}

describe('golden traces from the reference', () => {
  it('a replay fails when a draw differs in kind or bounds from the record', () => {
    const trace = loadTrace('freeway-uniform-seed0.json.gz');
    const tamperedBounds = structuredClone(trace);
    tamperedBounds.events[0].reset!.draws[0] = ['i', 1, 7, 5];
    expect(() => replay(tamperedBounds)).toThrow(/integer\(1, 6\) here, \["i",1,7,5\]/);
    const tamperedKind = structuredClone(trace);
    tamperedKind.events[0].reset!.draws[8] = ['i', 0, 2, 1];
    expect(() => replay(tamperedKind)).toThrow(/uniform\(\) here/);
    const extraDraw = structuredClone(trace);
    extraDraw.events[1].step!.draws.push(['u', 0.5]);
    expect(() => replay(extraDraw)).toThrow(/made 1 draws, the reference 2/);
    const changedObs = structuredClone(trace);
    changedObs.events[5].step!.obs[0] += 1;
    expect(replay(changedObs)).toMatch(/event 5 step/);
  });

  it('has all 15 traces (5 games × uniform seeds 0 and 1, up seed 0)', () => {
    expect(traceFiles()).toHaveLength(15);
  });

  it('has 9 heuristic traces reaching late game phases', () => {
    expect(traceFiles('heuristic')).toHaveLength(9);
  });

  for (const file of [...traceFiles(), ...traceFiles('heuristic')]) {
    it(`replays ${file} exactly`, () => {
      const trace = loadTrace(file);
      expect(trace.events.length).toBeGreaterThan(3000);
      expect(replay(trace)).toBeNull();
    });
  }
});
