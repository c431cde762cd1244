// Argument checks in prunerl's one format: "Expected <what> for <name> but received <what it got>".
// Wrong types throw TypeError, wrong values RangeError.

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return `number ${value}`;
  if (typeof value === 'string') return `string '${value.length > 40 ? value.slice(0, 40) + '...' : value}'`;
  if (typeof value === 'boolean') return `boolean ${value}`;
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return 'a function';
  return typeof value === 'object' ? 'an object' : typeof value;
}

export function typeError(expected: string, name: string, value: unknown): TypeError {
  return new TypeError(`Expected ${expected} for ${name} but received ${describe(value)}`);
}

export function rangeError(expected: string, name: string, value: unknown): RangeError {
  return new RangeError(`Expected ${expected} for ${name} but received ${describe(value)}`);
}

export function expectSafeInteger(value: unknown, name: string): number {
  if (typeof value !== 'number') throw typeError('an integer', name, value);
  if (!Number.isSafeInteger(value)) throw rangeError('a safe integer', name, value);
  return value;
}

export function expectBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw typeError('a boolean', name, value);
  return value;
}

export function expectNumberIn(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number') throw typeError(`a number in [${min}, ${max}]`, name, value);
  if (!(value >= min && value <= max)) throw rangeError(`a number in [${min}, ${max}]`, name, value);
  return value;
}
