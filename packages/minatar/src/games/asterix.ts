// Asterix, ported from MinAtar's minatar/environments/asterix.py (version 1.0.15).
// Original authors: Kenny Young (kjyoung@ualberta.ca) and Tian Tian (ttian@ualberta.ca); GPL-3.0.
//
// The player moves freely in the four directions. Enemies and gold spawn from the sides into one of 8 rows; +1 for
// picking up gold; touching an enemy ends the game. Trail channels show where each entity came from. Difficulty
// ramps up over time: entities spawn more often and move faster.
import { DOWN, LEFT, RIGHT, UP, cellIndex, type Game } from '../game.js';
import type { Rng } from '../rng.js';

const RAMP_INTERVAL = 100;
const INIT_SPAWN_SPEED = 10;
const INIT_MOVE_INTERVAL = 5;
const SLOTS = 8;

// Channels of the observation.
const PLAYER = 0;
const ENEMY = 1;
const TRAIL = 2;
const GOLD = 3;

export class Asterix implements Game {
  readonly channels = 4;
  rng: Rng;
  terminal = false;
  readonly #ramping: boolean;
  #playerX = 5;
  #playerY = 5;
  // Slot i holds the entity of row i + 1 (the reference's list of 8 entries, None when empty).
  readonly #alive = new Uint8Array(SLOTS);
  readonly #x = new Int32Array(SLOTS);
  readonly #movingRight = new Uint8Array(SLOTS);
  readonly #gold = new Uint8Array(SLOTS);
  readonly #freeSlots = new Int32Array(SLOTS);
  #spawnSpeed = INIT_SPAWN_SPEED;
  #spawnTimer = INIT_SPAWN_SPEED;
  #moveSpeed = INIT_MOVE_INTERVAL;
  #moveTimer = INIT_MOVE_INTERVAL;
  #rampTimer = RAMP_INTERVAL;
  #rampIndex = 0;

  constructor(rng: Rng, ramping: boolean) {
    this.rng = rng;
    this.#ramping = ramping;
  }

  reset(): void {
    this.#playerX = 5;
    this.#playerY = 5;
    this.#alive.fill(0);
    this.#spawnSpeed = INIT_SPAWN_SPEED;
    this.#spawnTimer = this.#spawnSpeed;
    this.#moveSpeed = INIT_MOVE_INTERVAL;
    this.#moveTimer = this.#moveSpeed;
    this.#rampTimer = RAMP_INTERVAL;
    this.#rampIndex = 0;
    this.terminal = false;
  }

  act(action: number): number {
    let reward = 0;
    if (this.terminal) return reward;

    if (this.#spawnTimer === 0) {
      this.#spawnEntity();
      this.#spawnTimer = this.#spawnSpeed;
    }

    if (action === LEFT) this.#playerX = Math.max(0, this.#playerX - 1);
    else if (action === RIGHT) this.#playerX = Math.min(9, this.#playerX + 1);
    else if (action === UP) this.#playerY = Math.max(1, this.#playerY - 1);
    else if (action === DOWN) this.#playerY = Math.min(8, this.#playerY + 1);

    const alive = this.#alive, xs = this.#x;
    // The player may have stepped onto an entity...
    for (let i = 0; i < SLOTS; i++) {
      if (alive[i] && xs[i] === this.#playerX && i + 1 === this.#playerY) {
        if (this.#gold[i]) {
          alive[i] = 0;
          reward += 1;
        } else {
          this.terminal = true;
        }
      }
    }
    // ... and, on move frames, entities may move onto the player.
    if (this.#moveTimer === 0) {
      this.#moveTimer = this.#moveSpeed;
      for (let i = 0; i < SLOTS; i++) {
        if (!alive[i]) continue;
        xs[i] += this.#movingRight[i] ? 1 : -1;
        if (xs[i] < 0 || xs[i] > 9) {
          alive[i] = 0;
        } else if (xs[i] === this.#playerX && i + 1 === this.#playerY) {
          if (this.#gold[i]) {
            alive[i] = 0;
            reward += 1;
          } else {
            this.terminal = true;
          }
        }
      }
    }

    this.#spawnTimer -= 1;
    this.#moveTimer -= 1;

    if (this.#ramping && (this.#spawnSpeed > 1 || this.#moveSpeed > 1)) {
      if (this.#rampTimer >= 0) {
        this.#rampTimer -= 1;
      } else {
        // Movement speeds up on every other ramp step, spawning on every one.
        if (this.#moveSpeed > 1 && this.#rampIndex % 2) this.#moveSpeed -= 1;
        if (this.#spawnSpeed > 1) this.#spawnSpeed -= 1;
        this.#rampIndex += 1;
        this.#rampTimer = RAMP_INTERVAL;
      }
    }
    return reward;
  }

  /** A new enemy or gold in a random empty row, from a random side. Both draws happen even when no row is free. */
  #spawnEntity(): void {
    const movingRight = this.rng.uniform() < 1 / 2;
    const isGold = this.rng.uniform() < 1 / 3;
    let free = 0;
    for (let i = 0; i < SLOTS; i++) if (!this.#alive[i]) this.#freeSlots[free++] = i;
    if (free === 0) return;
    const slot = this.#freeSlots[this.rng.integer(0, free)];
    this.#alive[slot] = 1;
    this.#x[slot] = movingRight ? 0 : 9;
    this.#movingRight[slot] = movingRight ? 1 : 0;
    this.#gold[slot] = isGold ? 1 : 0;
  }

  difficultyRamp(): number {
    return this.#rampIndex;
  }

  writeState(out: Uint8Array): void {
    const C = this.channels;
    out[cellIndex(this.#playerY, this.#playerX, PLAYER, C)] = 1;
    for (let i = 0; i < SLOTS; i++) {
      if (!this.#alive[i]) continue;
      const x = this.#x[i], y = i + 1;
      out[cellIndex(y, x, this.#gold[i] ? GOLD : ENEMY, C)] = 1;
      const backX = this.#movingRight[i] ? x - 1 : x + 1;
      if (backX >= 0 && backX <= 9) out[cellIndex(y, backX, TRAIL, C)] = 1;
    }
  }
}
