// Freeway, ported from MinAtar's minatar/environments/freeway.py (version 1.0.15).
// Original authors: Kenny Young (kjyoung@ualberta.ca) and Tian Tian (ttian@ualberta.ca); GPL-3.0.
//
// A chicken in column 4 crosses 8 lanes of cars from the bottom; it can move only every 3 frames; +1 on reaching the
// top, after which it restarts at the bottom and the cars get new speeds; a car hit sends it back to the bottom.
// Cars wrap around the screen. Five trail channels show each car's direction (where the trail is) and speed (which
// channel: it moves once every 1 to 5 frames). The game ends after 2500 frames (on the 2501st step).
import { DOWN, UP, cellIndex, type Game } from '../game.js';
import type { Rng } from '../rng.js';

const PLAYER_SPEED = 3;
const TIME_LIMIT = 2500;
const CARS = 8;

// Channels of the observation: the chicken, the cars, then trails for speeds 1 to 5 (channels 2 to 6).
const CHICKEN = 0;
const CAR = 1;
const SPEED1 = 2;

export class Freeway implements Game {
  readonly channels = 7;
  rng: Rng;
  terminal = false;
  // Car i is in lane (row) i + 1, at column x[i], moving every |speed[i]| frames in the direction of speed's sign.
  readonly #carX = new Int32Array(CARS);
  readonly #carTimer = new Int32Array(CARS);
  readonly #carSpeed = new Int32Array(CARS);
  #pos = 9;
  #moveTimer = PLAYER_SPEED;
  #terminateTimer = TIME_LIMIT;

  constructor(rng: Rng, _ramping: boolean) {
    this.rng = rng;
  }

  reset(): void {
    this.#randomizeCars(true);
    this.#pos = 9;
    this.#moveTimer = PLAYER_SPEED;
    this.#terminateTimer = TIME_LIMIT;
    this.terminal = false;
  }

  /** New speeds (8 integer draws in [1, 6)) then directions (8 uniform draws); positions too when initializing. */
  #randomizeCars(initialize: boolean): void {
    const speeds = this.#carSpeed;
    for (let i = 0; i < CARS; i++) speeds[i] = this.rng.integer(1, 6);
    for (let i = 0; i < CARS; i++) if (this.rng.uniform() < 0.5) speeds[i] = -speeds[i];
    for (let i = 0; i < CARS; i++) {
      if (initialize) this.#carX[i] = 0;
      this.#carTimer[i] = Math.abs(speeds[i]);
    }
  }

  act(action: number): number {
    let reward = 0;
    if (this.terminal) return reward;

    if (action === UP && this.#moveTimer === 0) {
      this.#moveTimer = PLAYER_SPEED;
      this.#pos = Math.max(0, this.#pos - 1);
    } else if (action === DOWN && this.#moveTimer === 0) {
      this.#moveTimer = PLAYER_SPEED;
      this.#pos = Math.min(9, this.#pos + 1);
    }

    if (this.#pos === 0) {
      reward += 1;
      this.#randomizeCars(false);
      this.#pos = 9;
    }

    const xs = this.#carX, timers = this.#carTimer, speeds = this.#carSpeed;
    for (let i = 0; i < CARS; i++) {
      const lane = i + 1;
      if (xs[i] === 4 && lane === this.#pos) this.#pos = 9;
      if (timers[i] === 0) {
        timers[i] = Math.abs(speeds[i]);
        xs[i] += speeds[i] > 0 ? 1 : -1;
        if (xs[i] < 0) xs[i] = 9;
        else if (xs[i] > 9) xs[i] = 0;
        if (xs[i] === 4 && lane === this.#pos) this.#pos = 9;
      } else {
        timers[i] -= 1;
      }
    }

    if (this.#moveTimer > 0) this.#moveTimer -= 1;
    this.#terminateTimer -= 1;
    if (this.#terminateTimer < 0) this.terminal = true;
    return reward;
  }

  difficultyRamp(): null {
    return null;
  }

  writeState(out: Uint8Array): void {
    const C = this.channels;
    out[cellIndex(this.#pos, 4, CHICKEN, C)] = 1;
    for (let i = 0; i < CARS; i++) {
      const x = this.#carX[i], y = i + 1, speed = this.#carSpeed[i];
      out[cellIndex(y, x, CAR, C)] = 1;
      let backX = speed > 0 ? x - 1 : x + 1;
      if (backX < 0) backX = 9;
      else if (backX > 9) backX = 0;
      out[cellIndex(y, backX, SPEED1 + Math.abs(speed) - 1, C)] = 1;
    }
  }
}
