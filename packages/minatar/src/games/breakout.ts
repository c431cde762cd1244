// Breakout, ported from MinAtar's minatar/environments/breakout.py (version 1.0.15).
// Original authors: Kenny Young (kjyoung@ualberta.ca) and Tian Tian (ttian@ualberta.ca); GPL-3.0.
//
// A paddle on the bottom row bounces a ball, which travels only along diagonals, into 3 rows of bricks; +1 per
// brick; the rows come back once all are cleared; the episode ends when the ball reaches the bottom. A trail channel
// shows the ball's previous cell. No difficulty ramping.
import { LEFT, RIGHT, cellIndex, type Game } from '../game.js';
import type { Rng } from '../rng.js';

// Channels of the observation.
const PADDLE = 0;
const BALL = 1;
const TRAIL = 2;
const BRICK = 3;

// Ball directions 0..3: up-left, up-right, down-right, down-left, and how each reflects.
const STEP_X = [-1, 1, 1, -1];
const STEP_Y = [-1, -1, 1, 1];
const FLIP_X = [1, 0, 3, 2];
const FLIP_Y = [3, 2, 1, 0];
const FLIP_BOTH = [2, 3, 0, 1];

export class Breakout implements Game {
  readonly channels = 4;
  rng: Rng;
  terminal = false;
  #ballX = 0;
  #ballY = 3;
  #ballDir = 2;
  #lastX = 0;
  #lastY = 3;
  #paddle = 4;
  #strike = false;
  readonly #bricks = new Uint8Array(100);
  #brickCount = 0;

  constructor(rng: Rng, _ramping: boolean) {
    this.rng = rng;
  }

  reset(): void {
    this.#ballY = 3;
    // The reference's random.choice(2): from the left wall heading down-right, or from the right heading down-left.
    const fromRight = this.rng.integer(0, 2);
    this.#ballX = fromRight ? 9 : 0;
    this.#ballDir = fromRight ? 3 : 2;
    this.#paddle = 4;
    this.#fillBricks();
    this.#strike = false;
    this.#lastX = this.#ballX;
    this.#lastY = this.#ballY;
    this.terminal = false;
  }

  #fillBricks(): void {
    this.#bricks.fill(0);
    this.#bricks.fill(1, 10, 40);
    this.#brickCount = 30;
  }

  act(action: number): number {
    let reward = 0;
    if (this.terminal) return reward;

    if (action === LEFT) this.#paddle = Math.max(0, this.#paddle - 1);
    else if (action === RIGHT) this.#paddle = Math.min(9, this.#paddle + 1);

    this.#lastX = this.#ballX;
    this.#lastY = this.#ballY;
    let newX = this.#ballX + STEP_X[this.#ballDir];
    let newY = this.#ballY + STEP_Y[this.#ballDir];

    let strikeToggle = false;
    if (newX < 0 || newX > 9) {
      newX = newX < 0 ? 0 : 9;
      this.#ballDir = FLIP_X[this.#ballDir];
    }
    if (newY < 0) {
      newY = 0;
      this.#ballDir = FLIP_Y[this.#ballDir];
    } else if (this.#bricks[newY * 10 + newX] === 1) {
      strikeToggle = true;
      // A ball that struck a brick last frame passes through the next one (the reference's `strike` flag).
      if (!this.#strike) {
        reward += 1;
        this.#strike = true;
        this.#bricks[newY * 10 + newX] = 0;
        this.#brickCount -= 1;
        newY = this.#lastY;
        this.#ballDir = FLIP_Y[this.#ballDir];
      }
    } else if (newY === 9) {
      if (this.#brickCount === 0) this.#fillBricks();
      if (this.#ballX === this.#paddle) {
        this.#ballDir = FLIP_Y[this.#ballDir];
        newY = this.#lastY;
      } else if (newX === this.#paddle) {
        this.#ballDir = FLIP_BOTH[this.#ballDir];
        newY = this.#lastY;
      } else {
        this.terminal = true;
      }
    }

    if (!strikeToggle) this.#strike = false;

    this.#ballX = newX;
    this.#ballY = newY;
    return reward;
  }

  difficultyRamp(): null {
    return null;
  }

  writeState(out: Uint8Array): void {
    const C = this.channels;
    out[cellIndex(this.#ballY, this.#ballX, BALL, C)] = 1;
    out[cellIndex(9, this.#paddle, PADDLE, C)] = 1;
    out[cellIndex(this.#lastY, this.#lastX, TRAIL, C)] = 1;
    const bricks = this.#bricks;
    // Bricks only ever occupy rows 1 to 3 (cells 10..39).
    for (let cell = 10; cell < 40; cell++) if (bricks[cell]) out[cell * C + BRICK] = 1;
  }
}
