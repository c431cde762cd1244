// Turns a stream of one-step transitions into n-step transitions (Sutton 1988; used by Rainbow, Hessel et al.
// 2018). Each stream (one per env) keeps its last n steps; a step leaves once its n-step return is known, or
// earlier, with a shorter horizon, when its episode ends. Computing returns on the way in (rather than at
// sampling time) keeps every stored slot self-contained, so streams from several envs can share one circular
// buffer and the wrap-around never splits a return.
import type { Observation } from '../../envs/env.js';
import type { PendingStreamState, Transition } from './replay_buffer.js';
import { expectInteger, rangeError, typeError } from '../../validate.js';

/** Receives a finished n-step transition: obs_t, a_t, Σ_{j<k} γ^j r_{t+j}, obs_{t+k}, γ^k, terminated. */
export type NStepSink = (
  obs: Observation, action: number, reward: number, nextObs: Observation, discount: number, done: boolean,
) => void;

interface PendingStep {
  obs: Float32Array | Uint8Array;
  action: number;
  reward: number;
}

/** Per-stream queues of the last n steps, emitting n-step transitions in order. */
export class NStepAccumulator {
  readonly nStep: number;
  readonly gamma: number;
  readonly observationSize: number;
  readonly observationDtype: 'float32' | 'uint8';
  #streams = new Map<number, PendingStep[]>();

  constructor(nStep: number, gamma: number, observationSize: number, observationDtype: 'float32' | 'uint8') {
    this.nStep = nStep;
    this.gamma = gamma;
    this.observationSize = observationSize;
    this.observationDtype = observationDtype;
  }

  /** Checks a transition's fields (types, lengths, finiteness) before anything is stored. */
  check(transition: Transition, stream: number): void {
    expectInteger(stream, 'stream', 0);
    if (typeof transition !== 'object' || transition === null) throw typeError('a transition object', 'transition', transition);
    this.#checkObservation(transition.obs, 'transition.obs');
    this.#checkObservation(transition.nextObs, 'transition.nextObs');
    expectInteger(transition.action, 'transition.action', 0, 2 ** 31 - 1);
    if (typeof transition.reward !== 'number') throw typeError('a finite number', 'transition.reward', transition.reward);
    if (!Number.isFinite(transition.reward)) throw rangeError('a finite number', 'transition.reward', transition.reward);
    if (typeof transition.terminated !== 'boolean') throw typeError('a boolean', 'transition.terminated', transition.terminated);
    if (typeof transition.truncated !== 'boolean') throw typeError('a boolean', 'transition.truncated', transition.truncated);
  }

  /** Adds one step of `stream` and passes every n-step transition it completes to `emit`, oldest first. */
  push(transition: Transition, stream: number, emit: NStepSink): void {
    if (this.nStep === 1) {
      // One-step returns need no queue: store the step as it is, without copying its observation twice.
      emit(transition.obs, transition.action, transition.reward, transition.nextObs, this.gamma, transition.terminated);
      return;
    }
    let queue = this.#streams.get(stream);
    if (!queue) {
      queue = [];
      this.#streams.set(stream, queue);
    }
    queue.push({ obs: transition.obs.slice(), action: transition.action, reward: transition.reward });
    if (transition.terminated || transition.truncated) {
      // The episode is over: every waiting step gets its return cut at the end. A truncated episode still
      // bootstraps from nextObs (done = false); a terminated one does not.
      while (queue.length > 0) this.#emitOldest(queue, transition, emit);
      this.#streams.delete(stream);
    } else if (queue.length === this.nStep) {
      this.#emitOldest(queue, transition, emit);
    }
  }

  /** Steps of `stream` still waiting for their return. */
  pendingCount(stream = 0): number {
    return this.#streams.get(stream)?.length ?? 0;
  }

  /** The waiting steps of every stream, as plain typed arrays. */
  state(): PendingStreamState[] {
    return [...this.#streams.entries()].map(([stream, queue]) => {
      const obs = this.#newObservations(queue.length);
      queue.forEach((step, i) => obs.set(step.obs, i * this.observationSize));
      return {
        stream,
        obs,
        actions: Int32Array.from(queue, (step) => step.action),
        rewards: Float64Array.from(queue, (step) => step.reward),
      };
    });
  }

  /** Replaces the waiting steps with a saved state. */
  restore(pending: PendingStreamState[]): void {
    if (!Array.isArray(pending)) throw typeError('an array of pending streams', 'state.pending', pending);
    const streams = new Map<number, PendingStep[]>();
    pending.forEach((entry, i) => {
      const name = `state.pending[${i}]`;
      expectInteger(entry.stream, `${name}.stream`, 0);
      this.#checkObservationType(entry.obs, `${name}.obs`);
      if (!(entry.actions instanceof Int32Array)) throw typeError('Int32Array', `${name}.actions`, entry.actions);
      if (!(entry.rewards instanceof Float64Array)) throw typeError('Float64Array', `${name}.rewards`, entry.rewards);
      const count = entry.actions.length;
      if (count >= this.nStep || entry.rewards.length !== count || entry.obs.length !== count * this.observationSize) {
        throw rangeError(`fewer than nStep = ${this.nStep} steps with matching obs, actions and rewards`, name, entry);
      }
      streams.set(entry.stream, Array.from({ length: count }, (_, k) => ({
        obs: entry.obs.slice(k * this.observationSize, (k + 1) * this.observationSize),
        action: entry.actions[k],
        reward: entry.rewards[k],
      })));
    });
    this.#streams = streams;
  }

  #emitOldest(queue: PendingStep[], last: Transition, emit: NStepSink): void {
    let discounted = 0;
    let discount = 1;
    for (const step of queue) {
      discounted += discount * step.reward;
      discount *= this.gamma;
    }
    const oldest = queue.shift()!;
    emit(oldest.obs, oldest.action, discounted, last.nextObs, discount, last.terminated);
  }

  #checkObservationType(value: unknown, name: string): asserts value is Float32Array | Uint8Array {
    const expected = this.observationDtype === 'uint8' ? Uint8Array : Float32Array;
    if (!(value instanceof expected)) throw typeError(`${expected.name} (the observation dtype is ${this.observationDtype})`, name, value);
  }

  #checkObservation(value: unknown, name: string): void {
    this.#checkObservationType(value, name);
    if (value.length !== this.observationSize) {
      throw new RangeError(`Expected ${name} to have ${this.observationSize} elements (the observation size) but received ${value.length}`);
    }
  }

  #newObservations(count: number): Float32Array | Uint8Array {
    const length = count * this.observationSize;
    return this.observationDtype === 'uint8' ? new Uint8Array(length) : new Float32Array(length);
  }
}
