// The drawing half of @prunerl/minatar (coloured terminal grids, GIF and PNG files), loaded on demand. prunerl's
// core never imports the GPL package statically: the specifier is a variable so that TypeScript does not resolve
// it either, and these are the few functions play needs, typed here.
import type { Observation } from '../envs/env.js';
import { MINATAR_PACKAGE, minatarInstallCommand } from '../envs/minatar_install.js';

export interface MinatarRendering {
  /** Names of the six actions (noop, left, up, right, down, fire): what action i means with the full action set. */
  ACTION_NAMES: readonly string[];
  renderAnsi(obs: Uint8Array, game: string): string;
  legendAnsi(game: string): string;
  writeGif(frames: Uint8Array[], game: string, path: string, options?: { scale?: number; frameMs?: number; loop?: number }): string;
  writePngFrames(frames: Uint8Array[], game: string, dir: string, options?: { scale?: number; prefix?: string }): string[];
}

export { MINATAR_PACKAGE };

/** The game of a `minatar/<game>` id, or null for every other env. */
export function minatarGame(envId: string): string | null {
  return envId.startsWith('minatar/') ? envId.slice('minatar/'.length) : null;
}

export async function loadMinatarRendering(specifier: string = MINATAR_PACKAGE): Promise<MinatarRendering> {
  try {
    return (await import(specifier)) as MinatarRendering;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      const install = specifier === MINATAR_PACKAGE ? minatarInstallCommand : `npm install ${specifier}`;
      throw new Error(`Drawing MinAtar games needs the optional package ${specifier}: run \`${install}\``);
    }
    throw err;
  }
}

/** MinAtar observations are bytes; anything else reaching the renderer is a bug upstream. */
export function asGrid(obs: Observation): Uint8Array {
  if (!(obs instanceof Uint8Array)) throw new TypeError('Expected a Uint8Array observation for a MinAtar frame but received a Float32Array');
  return obs;
}
