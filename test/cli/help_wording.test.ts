// Every command's --help writes defaults one way: `(default: 10)`.
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';

describe('--help wording', () => {
  it('writes every default as (default: value), never quoted JSON or without the colon', () => {
    const program = buildProgram();
    const commands = program.commands;
    expect(commands.map((c) => c.name())).toEqual(expect.arrayContaining(['train', 'eval', 'export', 'play', 'sweep', 'worker', 'report', 'bench']));
    for (const command of commands) {
      const help = command.helpInformation().replace(/\s+/g, ' ');
      expect(help, command.name()).not.toMatch(/\(default: "/);
      expect(help, command.name()).not.toMatch(/\(default [^:]/);
    }
    expect(commands.find((c) => c.name() === 'eval')!.helpInformation()).toContain('(default: 10)');
  });
});
