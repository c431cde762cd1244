// A flag's value checked against its config key's schema, refused in the user's terms: the flag as typed, what
// is allowed with both bounds, the value as typed (`--sparsity 2` → "Expected a number in [0, 1) for --sparsity
// but received '2'"), not as the config sees it ("config.sparsity: Too big").
import { z } from 'zod';
import { trainConfigSchema } from '../train/train_config.js';
import { clip } from '../config_keys.js';

interface JsonSchemaLike {
  type?: string; enum?: unknown[]; minimum?: number; maximum?: number; exclusiveMinimum?: number; exclusiveMaximum?: number;
}

/** What a config key allows, in words: "an integer in [1, 64]", "one of dqn, rainbow", "a number in [0, 1)". */
export function allowedValues(key: keyof typeof trainConfigSchema.shape): string {
  const schema = z.toJSONSchema(trainConfigSchema.shape[key] as z.ZodType, { unrepresentable: 'any' }) as JsonSchemaLike;
  if (schema.enum) return `one of ${schema.enum.join(', ')}`;
  if (schema.type === 'number' || schema.type === 'integer') {
    const low = schema.exclusiveMinimum ?? schema.minimum, high = schema.exclusiveMaximum ?? schema.maximum;
    const open = high === undefined || high >= Number.MAX_SAFE_INTEGER;
    const lowText = low === undefined ? '(−∞' : `${schema.exclusiveMinimum !== undefined ? '(' : '['}${low}`;
    const highText = open ? '∞)' : `${high}${schema.exclusiveMaximum !== undefined ? ')' : ']'}`;
    return `${schema.type === 'integer' ? 'an integer' : 'a number'} in ${lowText}, ${highText}`;
  }
  if (schema.type === 'string') return 'a non-empty string';
  return 'a valid value';
}

/** Throws, naming the flag, when `value` (parsed from `raw`) is not allowed for config key `key`. */
export function checkFlagValue(flag: string, key: keyof typeof trainConfigSchema.shape, raw: string, value: unknown): void {
  if (trainConfigSchema.shape[key].safeParse(value).success) return;
  throw new RangeError(`Expected ${allowedValues(key)} for ${flag} but received '${clip(raw)}'`);
}
