// Commander's own refusals (unknown option, missing argument, unknown command) in prunerl's one voice: one line
// starting "prunerl:", exit status 2 like every other refusal, and for an unknown train flag that names a config
// key (--batch → batchSize) the --set that does what the user meant.
import type { Command, CommanderError } from 'commander';
import { trainConfigSchema } from '../train/train_config.js';

/** Every command of the program: the settings below must reach subcommands, which commander copies at creation. */
export function forEachCommand(command: Command, apply: (c: Command) => void): void {
  apply(command);
  for (const sub of command.commands) forEachCommand(sub, apply);
}

/** The config key an unknown flag most likely meant: --batch-size or --batch → batchSize. */
export function configKeyFor(flag: string): string | undefined {
  const name = flag.replace(/^--?/, '').replace(/=.*$/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  if (name === '') return undefined;
  const keys = Object.keys(trainConfigSchema.shape);
  const lower = name.toLowerCase();
  return keys.find((k) => k.toLowerCase() === lower) ?? keys.find((k) => k.toLowerCase().startsWith(lower));
}

/** One line for a commander error, without its "error: " prefix and with the hint that helps. */
export function commanderErrorLine(err: CommanderError): string {
  const text = err.message.replace(/^error: /, '').split('\n').map((l) => l.trim()).filter((l) => l.length > 0).join(' ');
  const unknown = /unknown option '([^']+)'/.exec(err.message);
  if (err.code === 'commander.unknownOption' && unknown) {
    const key = configKeyFor(unknown[1]!);
    if (key !== undefined) return `${text}; config keys without a flag are set with --set, e.g. --set ${key}=<value> (prunerl train --help lists the flags)`;
  }
  return `${text} (run with --help for usage)`;
}
