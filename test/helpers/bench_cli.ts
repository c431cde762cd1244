// Runs `prunerl bench train --seconds 1 ...args` in process and returns what it printed, line by line.
import { Command } from 'commander';
import { vi } from 'vitest';
import { registerBenchCommand } from '../../src/cli/commands/bench.js';

export async function benchCli(...args: string[]): Promise<string[]> {
  const printed: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line: string) => { printed.push(line); });
  try {
    const program = new Command().exitOverride();
    registerBenchCommand(program);
    await program.parseAsync(['node', 'prunerl', 'bench', 'train', '--seconds', '1', ...args]);
  } finally {
    log.mockRestore();
  }
  return printed;
}
