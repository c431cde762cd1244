// How one step looks in the terminal: a MinAtar grid as coloured blocks with a status line under it, or, for envs
// without a picture (CartPole, Acrobot), the observation vector on one line.
import type { Observation } from '../envs/env.js';
import { asGrid, type MinatarRendering } from './minatar_rendering.js';

export interface FrameView {
  /** Printed once before the first episode (the colour legend), or null. */
  readonly header: string | null;
  /** Each frame replaces the last on a terminal (a grid); false scrolls, one line per step (a vector log). */
  readonly inPlace: boolean;
  /** The lines for one step; `status` says episode, step, action and score. */
  frame(obs: Observation, status: string): string;
}

export function gridView(rendering: MinatarRendering, game: string): FrameView {
  return {
    header: rendering.legendAnsi(game),
    inPlace: true,
    frame: (obs, status) => `${rendering.renderAnsi(asGrid(obs), game)}\n${status}`,
  };
}

/** Fixed-width numbers so that consecutive lines line up column by column. */
function formatVector(obs: Observation): string {
  return `[${Array.from(obs, (v) => (v < 0 ? '' : ' ') + v.toFixed(4)).join(', ')}]`;
}

export function vectorView(): FrameView {
  return { header: null, inPlace: false, frame: (obs, status) => `${status}  obs ${formatVector(obs)}` };
}
