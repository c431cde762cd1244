// Seaquest, ported from MinAtar's minatar/environments/seaquest.py (version 1.0.15).
// Original authors: Kenny Young (kjyoung@ualberta.ca) and Tian Tian (ttian@ualberta.ca); GPL-3.0.
//
// The player's submarine (a front and a back cell, so its heading shows) shoots at enemy fish and submarines (+1
// each); enemy submarines shoot back. Divers can be picked up (at most 6, shown by a gauge on the bottom row).
// Oxygen (another gauge) runs down under water and is refilled on surfacing, which needs at least one diver on
// board: surfacing with fewer than 6 costs one diver, with 6 it costs all of them and pays 1 per oxygen cell left.
// Each surfacing ramps up the enemies' spawn rate and speed. The episode ends on contact with an enemy or an enemy
// bullet, when oxygen runs out, or on surfacing with no diver. Trails show where enemies and divers came from.
//
// Quirks of the reference kept on purpose, because results must match it:
// - surfacing with 6 divers leaves the count at −1 (it is zeroed, then decremented), so the next surfacing with
//   no diver picked up does not end the game, and the gauge shows nothing until the count is back above 0;
// - entity lists are walked in reverse while being edited with Python's remove-first-equal (see python_list.ts);
// - an enemy submarine removed in its own update (off screen or shot) still runs its firing timer that frame.
import { DOWN, FIRE, LEFT, RIGHT, UP, cellIndex, type Game } from '../game.js';
import { findAt, removeFirstEqual } from '../python_list.js';
import type { Rng } from '../rng.js';

const MAX_OXYGEN = 200;
const INIT_SPAWN_SPEED = 20;
const DIVER_SPAWN_SPEED = 30;
const INIT_MOVE_INTERVAL = 5;
const SHOT_COOL_DOWN = 5;
const ENEMY_SHOT_INTERVAL = 10;
const DIVER_MOVE_INTERVAL = 5;
const MAX_DIVERS = 6;

// Channels of the observation.
const SUB_FRONT = 0;
const SUB_BACK = 1;
const FRIENDLY_BULLET = 2;
const TRAIL = 3;
const ENEMY_BULLET = 4;
const ENEMY_FISH = 5;
const ENEMY_SUB = 6;
const OXYGEN_GAUGE = 7;
const DIVER_GAUGE = 8;
const DIVER = 9;

// Entity fields, as in the reference's lists: [x, y, movingRight (0/1), moveTimer, shotTimer (subs only)].
const X = 0;
const Y = 1;
const RIGHTWARD = 2;
const MOVE_TIMER = 3;
const SHOT_TIMER = 4;

export class Seaquest implements Game {
  readonly channels = 10;
  rng: Rng;
  terminal = false;
  readonly #ramping: boolean;
  #oxygen = MAX_OXYGEN;
  #diverCount = 0;
  #subX = 5;
  #subY = 0;
  /** The submarine faces right (1) or left (0). */
  #subFacingRight = 0;
  #friendlyBullets: number[][] = [];
  #enemyBullets: number[][] = [];
  #fish: number[][] = [];
  #subs: number[][] = [];
  #divers: number[][] = [];
  #enemySpawnSpeed = INIT_SPAWN_SPEED;
  #enemySpawnTimer = INIT_SPAWN_SPEED;
  #diverSpawnTimer = DIVER_SPAWN_SPEED;
  #moveSpeed = INIT_MOVE_INTERVAL;
  #rampIndex = 0;
  #shotTimer = 0;
  /** True while the submarine is at the surface and has already been refilled there. */
  #surface = true;

  constructor(rng: Rng, ramping: boolean) {
    this.rng = rng;
    this.#ramping = ramping;
  }

  reset(): void {
    this.#oxygen = MAX_OXYGEN;
    this.#diverCount = 0;
    this.#subX = 5;
    this.#subY = 0;
    this.#subFacingRight = 0;
    this.#friendlyBullets = [];
    this.#enemyBullets = [];
    this.#fish = [];
    this.#subs = [];
    this.#divers = [];
    this.#enemySpawnSpeed = INIT_SPAWN_SPEED;
    this.#enemySpawnTimer = this.#enemySpawnSpeed;
    this.#diverSpawnTimer = DIVER_SPAWN_SPEED;
    this.#moveSpeed = INIT_MOVE_INTERVAL;
    this.#rampIndex = 0;
    this.#shotTimer = 0;
    this.#surface = true;
    this.terminal = false;
  }

  act(action: number): number {
    let reward = 0;
    if (this.terminal) return reward;

    if (this.#enemySpawnTimer === 0) {
      this.#spawnEnemy();
      this.#enemySpawnTimer = this.#enemySpawnSpeed;
    }
    if (this.#diverSpawnTimer === 0) {
      this.#spawnDiver();
      this.#diverSpawnTimer = DIVER_SPAWN_SPEED;
    }

    if (action === FIRE && this.#shotTimer === 0) {
      this.#friendlyBullets.push([this.#subX, this.#subY, this.#subFacingRight]);
      this.#shotTimer = SHOT_COOL_DOWN;
    } else if (action === LEFT) {
      this.#subX = Math.max(0, this.#subX - 1);
      this.#subFacingRight = 0;
    } else if (action === RIGHT) {
      this.#subX = Math.min(9, this.#subX + 1);
      this.#subFacingRight = 1;
    } else if (action === UP) {
      this.#subY = Math.max(0, this.#subY - 1);
    } else if (action === DOWN) {
      this.#subY = Math.min(8, this.#subY + 1);
    }

    reward += this.#updateFriendlyBullets();
    this.#updateDivers();
    reward += this.#updateEnemySubs();
    this.#updateEnemyBullets();
    reward += this.#updateFish();

    if (this.#enemySpawnTimer > 0) this.#enemySpawnTimer -= 1;
    if (this.#diverSpawnTimer > 0) this.#diverSpawnTimer -= 1;
    if (this.#shotTimer > 0) this.#shotTimer -= 1;
    if (this.#oxygen <= 0) this.terminal = true;
    if (this.#subY > 0) {
      this.#oxygen -= 1;
      this.#surface = false;
    } else if (!this.#surface) {
      if (this.#diverCount === 0) this.terminal = true;
      else reward += this.#surfaceNow();
    }
    return reward;
  }

  #atSub(entity: number[]): boolean {
    return entity[X] === this.#subX && entity[Y] === this.#subY;
  }

  #updateFriendlyBullets(): number {
    let reward = 0;
    const bullets = this.#friendlyBullets;
    // Reverse walk with Python's listreviter semantics (see python_list.ts).
    for (let i = bullets.length - 1; i >= 0 && i < bullets.length; i--) {
      const bullet = bullets[i];
      bullet[X] += bullet[RIGHTWARD] ? 1 : -1;
      if (bullet[X] < 0 || bullet[X] > 9) {
        removeFirstEqual(bullets, bullet);
        continue;
      }
      const fish = findAt(this.#fish, bullet[X], bullet[Y]);
      if (fish >= 0) {
        this.#fish.splice(fish, 1);
        removeFirstEqual(bullets, bullet);
        reward += 1;
        continue;
      }
      const sub = findAt(this.#subs, bullet[X], bullet[Y]);
      if (sub >= 0) {
        this.#subs.splice(sub, 1);
        removeFirstEqual(bullets, bullet);
        reward += 1;
      }
    }
    return reward;
  }

  #updateDivers(): void {
    const divers = this.#divers;
    for (let i = divers.length - 1; i >= 0 && i < divers.length; i--) {
      const diver = divers[i];
      if (this.#atSub(diver) && this.#diverCount < MAX_DIVERS) {
        removeFirstEqual(divers, diver);
        this.#diverCount += 1;
      } else if (diver[MOVE_TIMER] === 0) {
        diver[MOVE_TIMER] = DIVER_MOVE_INTERVAL;
        diver[X] += diver[RIGHTWARD] ? 1 : -1;
        if (diver[X] < 0 || diver[X] > 9) {
          removeFirstEqual(divers, diver);
        } else if (this.#atSub(diver) && this.#diverCount < MAX_DIVERS) {
          removeFirstEqual(divers, diver);
          this.#diverCount += 1;
        }
      } else {
        diver[MOVE_TIMER] -= 1;
      }
    }
  }

  #updateEnemySubs(): number {
    let reward = 0;
    const subs = this.#subs;
    for (let i = subs.length - 1; i >= 0 && i < subs.length; i--) {
      const sub = subs[i];
      if (this.#atSub(sub)) this.terminal = true;
      if (sub[MOVE_TIMER] === 0) {
        sub[MOVE_TIMER] = this.#moveSpeed;
        sub[X] += sub[RIGHTWARD] ? 1 : -1;
        if (sub[X] < 0 || sub[X] > 9) {
          removeFirstEqual(subs, sub);
        } else if (this.#atSub(sub)) {
          this.terminal = true;
        } else {
          const bullet = findAt(this.#friendlyBullets, sub[X], sub[Y]);
          if (bullet >= 0) {
            removeFirstEqual(subs, sub);
            this.#friendlyBullets.splice(bullet, 1);
            reward += 1;
          }
        }
      } else {
        sub[MOVE_TIMER] -= 1;
      }
      // Runs even for a submarine removed just above (the reference's order).
      if (sub[SHOT_TIMER] === 0) {
        sub[SHOT_TIMER] = ENEMY_SHOT_INTERVAL;
        this.#enemyBullets.push([sub[X], sub[Y], sub[RIGHTWARD]]);
      } else {
        sub[SHOT_TIMER] -= 1;
      }
    }
    return reward;
  }

  #updateEnemyBullets(): void {
    const bullets = this.#enemyBullets;
    for (let i = bullets.length - 1; i >= 0 && i < bullets.length; i--) {
      const bullet = bullets[i];
      if (this.#atSub(bullet)) this.terminal = true;
      bullet[X] += bullet[RIGHTWARD] ? 1 : -1;
      if (bullet[X] < 0 || bullet[X] > 9) removeFirstEqual(bullets, bullet);
      else if (this.#atSub(bullet)) this.terminal = true;
    }
  }

  #updateFish(): number {
    let reward = 0;
    const fishes = this.#fish;
    for (let i = fishes.length - 1; i >= 0 && i < fishes.length; i--) {
      const fish = fishes[i];
      if (this.#atSub(fish)) this.terminal = true;
      if (fish[MOVE_TIMER] === 0) {
        fish[MOVE_TIMER] = this.#moveSpeed;
        fish[X] += fish[RIGHTWARD] ? 1 : -1;
        if (fish[X] < 0 || fish[X] > 9) {
          removeFirstEqual(fishes, fish);
        } else if (this.#atSub(fish)) {
          this.terminal = true;
        } else {
          const bullet = findAt(this.#friendlyBullets, fish[X], fish[Y]);
          if (bullet >= 0) {
            removeFirstEqual(fishes, fish);
            this.#friendlyBullets.splice(bullet, 1);
            reward += 1;
          }
        }
      } else {
        fish[MOVE_TIMER] -= 1;
      }
    }
    return reward;
  }

  /** The reference's _surface(): refill oxygen, pay for 6 divers, drop divers, ramp difficulty. */
  #surfaceNow(): number {
    this.#surface = true;
    let reward = 0;
    if (this.#diverCount === MAX_DIVERS) {
      this.#diverCount = 0;
      reward = Math.floor((this.#oxygen * 10) / MAX_OXYGEN);
    }
    this.#oxygen = MAX_OXYGEN;
    this.#diverCount -= 1;
    if (this.#ramping && (this.#enemySpawnSpeed > 1 || this.#moveSpeed > 2)) {
      if (this.#moveSpeed > 2 && this.#rampIndex % 2) this.#moveSpeed -= 1;
      if (this.#enemySpawnSpeed > 1) this.#enemySpawnSpeed -= 1;
      this.#rampIndex += 1;
    }
    return reward;
  }

  /** A fish or (one time in 3) a submarine in a random row from a random side; skipped, after its 3 draws, when
   * an enemy in that row moves the other way. */
  #spawnEnemy(): void {
    const rightward = this.rng.uniform() < 1 / 2 ? 1 : 0;
    const isSub = this.rng.uniform() < 1 / 3;
    const x = rightward ? 0 : 9;
    const y = this.rng.integer(1, 9);
    for (const enemy of this.#subs) if (enemy[Y] === y && enemy[RIGHTWARD] !== rightward) return;
    for (const enemy of this.#fish) if (enemy[Y] === y && enemy[RIGHTWARD] !== rightward) return;
    if (isSub) this.#subs.push([x, y, rightward, this.#moveSpeed, ENEMY_SHOT_INTERVAL]);
    else this.#fish.push([x, y, rightward, this.#moveSpeed]);
  }

  #spawnDiver(): void {
    const rightward = this.rng.uniform() < 1 / 2 ? 1 : 0;
    const x = rightward ? 0 : 9;
    const y = this.rng.integer(1, 9);
    this.#divers.push([x, y, rightward, DIVER_MOVE_INTERVAL]);
  }

  difficultyRamp(): number {
    return this.#rampIndex;
  }

  writeState(out: Uint8Array): void {
    const C = this.channels;
    out[cellIndex(this.#subY, this.#subX, SUB_FRONT, C)] = 1;
    // numpy's negative indexing: a back cell at x = −1 would land in column 9 (the sub's moves never produce it).
    const backX = this.#subFacingRight ? this.#subX - 1 : this.#subX + 1;
    out[cellIndex(this.#subY, backX < 0 ? backX + 10 : backX, SUB_BACK, C)] = 1;
    const oxygenCells = Math.floor((Math.max(0, this.#oxygen) * 10) / MAX_OXYGEN);
    for (let x = 0; x < oxygenCells; x++) out[cellIndex(9, x, OXYGEN_GAUGE, C)] = 1;
    // The reference's slice [9 − count : 9]: empty for a count of 0 or below.
    for (let x = 9 - this.#diverCount; x < 9; x++) out[cellIndex(9, x, DIVER_GAUGE, C)] = 1;
    for (const bullet of this.#friendlyBullets) out[cellIndex(bullet[Y], bullet[X], FRIENDLY_BULLET, C)] = 1;
    for (const bullet of this.#enemyBullets) out[cellIndex(bullet[Y], bullet[X], ENEMY_BULLET, C)] = 1;
    this.#writeMovers(out, this.#fish, ENEMY_FISH);
    this.#writeMovers(out, this.#subs, ENEMY_SUB);
    this.#writeMovers(out, this.#divers, DIVER);
  }

  /** Entities with a trail one cell behind them, where that cell is on screen. */
  #writeMovers(out: Uint8Array, entities: number[][], channel: number): void {
    const C = this.channels;
    for (const entity of entities) {
      const x = entity[X], y = entity[Y];
      out[cellIndex(y, x, channel, C)] = 1;
      const backX = entity[RIGHTWARD] ? x - 1 : x + 1;
      if (backX >= 0 && backX <= 9) out[cellIndex(y, backX, TRAIL, C)] = 1;
    }
  }
}
