// Terminal rendering: each cell of the 10×10 grid as two coloured spaces (24-bit ANSI background colours), in the
// reference's colours (see palette.ts), so a person can watch a game in a terminal.
import { GAME_INFO, checkGameName, type GameName } from './games/index.js';
import { gamePalette, paletteIndices, type Rgb } from './palette.js';
import { typeError } from './validate.js';

const RESET = '\x1b[0m';

function background([r, g, b]: Rgb): string {
  return `\x1b[48;2;${r};${g};${b}m`;
}

/** Rec. 709 luma below which a colour is lifted in the terminal (0–255 scale). */
const MIN_TERMINAL_LUMA = 96;

/**
 * The reference's darkest colours (Breakout's paddle, 22,61,78) nearly vanish on a black terminal, so in the
 * terminal only a colour darker than MIN_TERMINAL_LUMA is lifted by adding the same amount to each component
 * (hue kept; GIF and PNG frames keep the reference's colours). Empty cells stay black.
 */
export function terminalColour(rgb: Rgb, empty: boolean): Rgb {
  if (empty) return rgb;
  const luma = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
  if (luma >= MIN_TERMINAL_LUMA) return rgb;
  const lift = Math.round(MIN_TERMINAL_LUMA - luma);
  return [Math.min(255, rgb[0] + lift), Math.min(255, rgb[1] + lift), Math.min(255, rgb[2] + lift)];
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
  const colours = gamePalette(name).map((rgb, i) => background(terminalColour(rgb, i === 0)));
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
  return GAME_INFO[name].channelNames.map((channel, c) => `${background(terminalColour(palette[c + 1]!, false))}  ${RESET} ${channel}`).join('  ');
}
