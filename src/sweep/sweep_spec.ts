// A sweep file: a name, options shared by every run (`base`) and a grid of config keys, each with the values to
// try. Keys are train-config keys as the trainer knows them (env, agent, width, sparsity, seed, any other);
// they are passed through unchanged, so the trainer's own validation is the one source of truth for them.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { refuseUnsafeKeys } from '../config_keys.js';

/** JSON values only: a run's config must survive the trip through config.json and Redis unchanged. */
const jsonValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);

export const sweepSpecSchema = z.strictObject({
  /** Names the sweep's queue jobs and its default output folder, so it must be safe in both. */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" or "-"'),
  description: z.string().optional(),
  /** Options every run shares. */
  base: z.record(z.string(), jsonValue).default({}),
  /** Each key with the list of values to cross with every other key's values. */
  grid: z.record(z.string(), z.array(jsonValue).min(1, 'at least one value')),
});

export type SweepSpec = z.infer<typeof sweepSpecSchema>;

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `${issue.path.length ? issue.path.join('.') : '(top level)'}: ${issue.message}`;
}

/** Checks a parsed sweep object; `source` names it in the one-line error. */
export function parseSweepSpec(value: unknown, source: string): SweepSpec {
  refuseUnsafeKeys(value, `sweep file ${source}`);
  const result = sweepSpecSchema.safeParse(value);
  if (!result.success) throw new RangeError(`Invalid sweep file ${source}: ${firstIssue(result.error)}`);
  const spec = result.data;
  if (Object.keys(spec.grid).length === 0) {
    throw new RangeError(`Invalid sweep file ${source}: grid: expected at least one key (env, seed, ...)`);
  }
  for (const key of Object.keys(spec.grid)) {
    if (key in spec.base) throw new RangeError(`Invalid sweep file ${source}: ${key} is in both base and grid; keep it in one`);
  }
  return spec;
}

export function loadSweepSpec(path: string): SweepSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`Cannot read sweep file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new SyntaxError(`Invalid sweep file ${path}: not JSON (${(err as Error).message})`);
  }
  return parseSweepSpec(value, path);
}
