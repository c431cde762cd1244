// Argument checks for the public API, in one format: "Expected <what> for <name> but received <what it got>".
// Wrong types throw TypeError, wrong values RangeError. Native code checks again; these give friendlier context.

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

export function expectFloat32Array(value: unknown, name: string): Float32Array {
  if (!(value instanceof Float32Array)) throw typeError('Float32Array', name, value);
  return value;
}

export function expectUint8Array(value: unknown, name: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw typeError('Uint8Array', name, value);
  return value;
}

export function expectInteger(value: unknown, name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number') throw typeError('an integer', name, value);
  if (!Number.isInteger(value) || value < min || value > max) throw rangeError(`an integer in [${min}, ${max}]`, name, value);
  return value;
}

export function expectNumberIn(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number') throw typeError(`a number in [${min}, ${max}]`, name, value);
  if (!(value >= min && value <= max)) throw rangeError(`a number in [${min}, ${max}]`, name, value);
  return value;
}

export function expectOneOf<T extends string>(value: unknown, name: string, allowed: readonly T[]): T {
  if (typeof value !== 'string') throw typeError(`one of ${allowed.join(', ')}`, name, value);
  if (!allowed.includes(value as T)) throw rangeError(`one of ${allowed.join(', ')}`, name, value);
  return value as T;
}

export function expectLength(array: ArrayLike<number>, expected: number, name: string, why: string): void {
  if (array.length !== expected) {
    throw new RangeError(`Expected ${name} to have ${expected} elements (${why}) but received ${array.length}`);
  }
}

/** Refuses NaN and ±Infinity, naming the first one's index; returns the array. */
export function expectFinite(array: Float32Array, name: string): Float32Array {
  // v · 0 is 0 for finite v and NaN for NaN and ±Infinity, so one branch-free sum tells whether any is not finite
  // (this runs on every forward pass); only then is the array searched for the first one, to name it.
  let sum = 0;
  for (let i = 0; i < array.length; i++) sum += array[i]! * 0;
  if (sum === 0) return array;
  const i = array.findIndex((v) => !Number.isFinite(v));
  throw new RangeError(`Expected finite numbers for ${name} but received ${array[i]} at ${name}[${i}]`);
}

/** Refuses mask values other than 0 (pruned) and 1 (kept). */
export function expectZeroOne(array: Uint8Array, name: string): Uint8Array {
  for (let i = 0; i < array.length; i++) {
    if (array[i]! > 1) throw new RangeError(`Expected only 0 (pruned) and 1 (kept) in ${name} but received ${array[i]} at ${name}[${i}]`);
  }
  return array;
}
