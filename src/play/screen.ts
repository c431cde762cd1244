// Where play's frames go. On a terminal each frame of an episode redraws the previous one in place (cursor up,
// then clear to the end of each line), paced by --fps; piped output gets every frame in turn, without waiting,
// so that `prunerl play ... > log` is a record rather than a slow stream of escape codes.

import { stripVTControlCharacters } from 'node:util';

export interface PlayIo {
  write(text: string): void;
  /** A terminal: redraw in place and wait between frames. */
  isTTY: boolean;
  /** Colours in frames (default: on a terminal unless NO_COLOR is set, https://no-color.org). */
  color?: boolean;
  sleep(ms: number): Promise<void>;
}

export const processIo: PlayIo = {
  write: (text) => void process.stdout.write(text),
  isTTY: !!process.stdout.isTTY,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

const CLEAR_LINE = '\x1b[K';

/** no-color.org: NO_COLOR set to any non-empty value turns colours off. */
function noColorRequested(): boolean {
  return (process.env.NO_COLOR ?? '') !== '';
}

export class Screen {
  readonly #io: PlayIo;
  readonly #delayMs: number;
  readonly #color: boolean;
  /** Lines of the frame on screen that the next one overwrites (0: start below it). */
  #linesShown = 0;

  constructor(io: PlayIo, fps: number) {
    this.#io = io;
    this.#delayMs = io.isTTY && fps > 0 ? 1000 / fps : 0;
    this.#color = io.color ?? (io.isTTY && !noColorRequested());
  }

  /** The text as it may be shown: colour codes removed when colours are off (always in a pipe). */
  #plain(text: string): string {
    return this.#color ? text : stripVTControlCharacters(text);
  }

  /** Plain text that stays (legend, scores); the next frame starts below it. */
  print(text: string): void {
    this.#io.write(`${this.#plain(text)}\n`);
    this.#linesShown = 0;
  }

  /** A frame: in place of the previous one on a terminal when `inPlace`. Waits 1/fps on a terminal. */
  async frame(text: string, inPlace: boolean): Promise<void> {
    const lines = this.#plain(text).split('\n');
    if (this.#io.isTTY && inPlace) {
      const up = this.#linesShown > 0 ? `\x1b[${this.#linesShown}F` : '';
      this.#io.write(up + lines.map((line) => line + CLEAR_LINE).join('\n') + '\n');
      this.#linesShown = lines.length;
    } else {
      this.#io.write(lines.join('\n') + '\n');
    }
    if (this.#delayMs > 0) await this.#io.sleep(this.#delayMs);
  }

  /** The next frame starts below the current one instead of overwriting it (a new episode keeps the last frame). */
  keep(): void {
    this.#linesShown = 0;
  }
}
