// Terminal rendering: each cell of the 10×10 grid as two coloured spaces (24-bit ANSI background colours), in the
// reference's colours (see palette.ts), so a person can watch a game in a terminal.
import { GAME_INFO, checkGameName, type GameName } from './games/index.js';
import { gamePalette, paletteIndices, type Rgb } from './palette.js';
import { typeError } from './validate.js';

const RESET = '\x1b[0m';

function background([r, g, b]: Rgb): string {
  return `\x1b[48;2;${r};${g};${b}m`;
}

/** Checks an observation against a game's size and returns the game's channel count. */
export function checkObservation(obs: unknown, game: GameName): number {
  const channels = GAME_INFO[game].channelNames.length;
  if (!(obs instanceof Uint8Array)) throw typeError('a Uint8Array observation', 'obs', obs);
  if (obs.length !== 100 * channels) {
    throw new RangeError(
      `Expected a Uint8Array of ${100 * channels} entries (10·10·${channels} for ${game}) for obs but received ${obs.length}`,
    );
  }
  return channels;
}

/** The observation as 10 lines of coloured blocks (no trailing newline). */
export function renderAnsi(obs: Uint8Array, game: GameName): string {
  const name = checkGameName(game);
  const channels = checkObservation(obs, name);
  const colours = gamePalette(name).map(background);
  const indices = paletteIndices(obs, channels);
  const lines: string[] = [];
  for (let y = 0; y < 10; y++) {
    let line = '';
    let previous = -1;
    for (let x = 0; x < 10; x++) {
      const index = indices[y * 10 + x];
      if (index !== previous) line += colours[index];
      line += '  ';
      previous = index;
    }
    lines.push(line + RESET);
  }
  return lines.join('\n');
}

/** One line naming each channel in its colour, to print beside renderAnsi's grid. */
export function legendAnsi(game: GameName): string {
  const name = checkGameName(game);
  const palette = gamePalette(name);
  return GAME_INFO[name].channelNames.map((channel, c) => `${background(palette[c + 1])}  ${RESET} ${channel}`).join('  ');
}
