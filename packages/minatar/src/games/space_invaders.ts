// Space Invaders, ported from MinAtar's minatar/environments/space_invaders.py (version 1.0.15).
// Original authors: Kenny Young (kjyoung@ualberta.ca) and Tian Tian (ttian@ualberta.ca); GPL-3.0.
//
// A cannon on the bottom row shoots up at a 4×6 block of aliens, which move sideways until one reaches the edge,
// then move down a row and turn. +1 per alien shot. The alien nearest the cannon shoots back. Aliens speed up as
// they thin out (a lone alien moves every frame), and each new wave moves faster than the last (the ramp). The game
// ends when an alien or an alien's bullet reaches the cannon. Two channels give the aliens' direction.
//
// The grids move with numpy.roll, which wraps: the reference's rows shift with wrap-around and the row that
// wrapped is cleared afterwards for bullets; aliens moving down from the bottom row would wrap to the top (the game
// ends on that same frame), and that wrapped grid is what the terminal observation shows.
import { FIRE, LEFT, RIGHT, cellIndex, type Game } from '../game.js';
import type { Rng } from '../rng.js';

const SHOT_COOL_DOWN = 5;
const ENEMY_MOVE_INTERVAL = 12;
const ENEMY_SHOT_INTERVAL = 10;

// Channels of the observation.
const CANNON = 0;
const ALIEN = 1;
const ALIEN_LEFT = 2;
const ALIEN_RIGHT = 3;
const FRIENDLY_BULLET = 4;
const ENEMY_BULLET = 5;

/** Columns by distance from each cannon position, ties to the left (Python's stable sort of 0..9 by |x − pos|). */
const SEARCH_ORDER: readonly Int32Array[] = Array.from({ length: 10 }, (_, pos) =>
  Int32Array.from([...Array(10).keys()].sort((a, b) => Math.abs(a - pos) - Math.abs(b - pos))),
);

export class SpaceInvaders implements Game {
  readonly channels = 6;
  rng: Rng;
  terminal = false;
  readonly #ramping: boolean;
  #pos = 5;
  // 10×10 grids, row-major: cell y * 10 + x.
  readonly #friendlyBullets = new Uint8Array(100);
  readonly #enemyBullets = new Uint8Array(100);
  #aliens = new Uint8Array(100);
  #scratch = new Uint8Array(100);
  #alienCount = 0;
  #alienDir = -1;
  #enemyMoveInterval = ENEMY_MOVE_INTERVAL;
  #alienMoveTimer = ENEMY_MOVE_INTERVAL;
  #alienShotTimer = ENEMY_SHOT_INTERVAL;
  #rampIndex = 0;
  #shotTimer = 0;

  constructor(rng: Rng, ramping: boolean) {
    this.rng = rng;
    this.#ramping = ramping;
  }

  reset(): void {
    this.#pos = 5;
    this.#friendlyBullets.fill(0);
    this.#enemyBullets.fill(0);
    this.#aliens.fill(0);
    this.#fillWave();
    this.#alienDir = -1;
    this.#enemyMoveInterval = ENEMY_MOVE_INTERVAL;
    this.#alienMoveTimer = this.#enemyMoveInterval;
    this.#alienShotTimer = ENEMY_SHOT_INTERVAL;
    this.#rampIndex = 0;
    this.#shotTimer = 0;
    this.terminal = false;
  }

  /** Rows 0–3, columns 2–7. */
  #fillWave(): void {
    for (let y = 0; y < 4; y++) this.#aliens.fill(1, y * 10 + 2, y * 10 + 8);
    this.#alienCount = 24;
  }

  act(action: number): number {
    let reward = 0;
    if (this.terminal) return reward;

    if (action === FIRE && this.#shotTimer === 0) {
      this.#friendlyBullets[90 + this.#pos] = 1;
      this.#shotTimer = SHOT_COOL_DOWN;
    } else if (action === LEFT) {
      this.#pos = Math.max(0, this.#pos - 1);
    } else if (action === RIGHT) {
      this.#pos = Math.min(9, this.#pos + 1);
    }

    // Friendly bullets move up a row (roll −1, the wrapped bottom row cleared); enemy bullets down (roll +1, the
    // wrapped top row cleared).
    this.#friendlyBullets.copyWithin(0, 10, 100);
    this.#friendlyBullets.fill(0, 90, 100);
    this.#enemyBullets.copyWithin(10, 0, 90);
    this.#enemyBullets.fill(0, 0, 10);
    if (this.#enemyBullets[90 + this.#pos]) this.terminal = true;

    const aliens = this.#aliens;
    if (aliens[90 + this.#pos]) this.terminal = true;
    if (this.#alienMoveTimer === 0) {
      this.#alienMoveTimer = Math.min(this.#alienCount, this.#enemyMoveInterval);
      if ((this.#columnHasAlien(0) && this.#alienDir < 0) || (this.#columnHasAlien(9) && this.#alienDir > 0)) {
        this.#alienDir = -this.#alienDir;
        if (this.#rowHasAlien(9)) this.terminal = true;
        this.#rollAliensDown();
      } else {
        this.#rollAliensSideways(this.#alienDir);
      }
      if (this.#aliens[90 + this.#pos]) this.terminal = true;
    }
    if (this.#alienShotTimer === 0) {
      this.#alienShotTimer = ENEMY_SHOT_INTERVAL;
      this.#shootFromNearestAlien();
    }

    // Aliens hit by a friendly bullet: both disappear.
    const grid = this.#aliens, bullets = this.#friendlyBullets;
    for (let cell = 0; cell < 100; cell++) {
      if (grid[cell] && bullets[cell]) {
        grid[cell] = 0;
        bullets[cell] = 0;
        this.#alienCount -= 1;
        reward += 1;
      }
    }

    if (this.#shotTimer > 0) this.#shotTimer -= 1;
    this.#alienMoveTimer -= 1;
    this.#alienShotTimer -= 1;
    if (this.#alienCount === 0) {
      if (this.#enemyMoveInterval > 6 && this.#ramping) {
        this.#enemyMoveInterval -= 1;
        this.#rampIndex += 1;
      }
      this.#fillWave();
    }
    return reward;
  }

  #columnHasAlien(x: number): boolean {
    for (let y = 0; y < 10; y++) if (this.#aliens[y * 10 + x]) return true;
    return false;
  }

  #rowHasAlien(y: number): boolean {
    for (let x = 0; x < 10; x++) if (this.#aliens[y * 10 + x]) return true;
    return false;
  }

  /** numpy.roll(aliens, 1, axis=0): every row moves down one, the bottom row wraps to the top. */
  #rollAliensDown(): void {
    const next = this.#scratch;
    next.set(this.#aliens.subarray(90, 100), 0);
    next.set(this.#aliens.subarray(0, 90), 10);
    this.#scratch = this.#aliens;
    this.#aliens = next;
  }

  /** numpy.roll(aliens, dir, axis=1): every column moves by dir (±1), wrapping around. */
  #rollAliensSideways(dir: number): void {
    const from = this.#aliens, next = this.#scratch;
    for (let y = 0; y < 10; y++) {
      const row = y * 10;
      for (let x = 0; x < 10; x++) next[row + ((x + dir + 10) % 10)] = from[row + x];
    }
    this.#scratch = from;
    this.#aliens = next;
  }

  /** The lowest alien of the column nearest the cannon fires (the reference's _nearest_alien). */
  #shootFromNearestAlien(): void {
    for (const x of SEARCH_ORDER[this.#pos]) {
      for (let y = 9; y >= 0; y--) {
        if (this.#aliens[y * 10 + x]) {
          this.#enemyBullets[y * 10 + x] = 1;
          return;
        }
      }
    }
  }

  difficultyRamp(): number {
    return this.#rampIndex;
  }

  writeState(out: Uint8Array): void {
    const C = this.channels;
    out[cellIndex(9, this.#pos, CANNON, C)] = 1;
    const direction = this.#alienDir < 0 ? ALIEN_LEFT : ALIEN_RIGHT;
    for (let cell = 0; cell < 100; cell++) {
      const base = cell * C;
      if (this.#aliens[cell]) {
        out[base + ALIEN] = 1;
        out[base + direction] = 1;
      }
      if (this.#friendlyBullets[cell]) out[base + FRIENDLY_BULLET] = 1;
      if (this.#enemyBullets[cell]) out[base + ENEMY_BULLET] = 1;
    }
  }
}
