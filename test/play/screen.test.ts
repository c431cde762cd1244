// play's output honours NO_COLOR and never sends escape codes into a pipe (issue 13 item 9).
import { afterEach, describe, expect, it } from 'vitest';
import { Screen, type PlayIo } from '../../src/play/screen.js';

const colouredFrame = '\x1b[48;5;196m  \x1b[0m\x1b[48;5;21m  \x1b[0m\nscore 1';

function capture(isTTY: boolean): PlayIo & { text(): string } {
  const chunks: string[] = [];
  return { write: (t) => void chunks.push(t), isTTY, sleep: async () => {}, text: () => chunks.join('') };
}

const saved = process.env.NO_COLOR;
afterEach(() => {
  if (saved === undefined) delete process.env.NO_COLOR;
  else process.env.NO_COLOR = saved;
});

describe('play screen', () => {
  it('writes no escape codes at all to a pipe', async () => {
    delete process.env.NO_COLOR;
    const io = capture(false);
    const screen = new Screen(io, 0);
    screen.print('\x1b[1mlegend\x1b[0m');
    await screen.frame(colouredFrame, true);
    expect(io.text()).not.toContain('\x1b');
    expect(io.text()).toBe('legend\n    \nscore 1\n');
  });

  it('keeps colours on a terminal, and drops them there when NO_COLOR is set', async () => {
    delete process.env.NO_COLOR;
    const coloured = capture(true);
    await new Screen(coloured, 0).frame(colouredFrame, true);
    expect(coloured.text()).toContain('\x1b[48;5;196m');
    process.env.NO_COLOR = '1';
    const plain = capture(true);
    await new Screen(plain, 0).frame(colouredFrame, true);
    expect(plain.text()).not.toMatch(/\x1b\[[0-9;]*m/);
  });
});
