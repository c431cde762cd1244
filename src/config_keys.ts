// Keys and names that come from users or from the queue, checked before they are used. `__proto__`, `constructor`
// and `prototype` as config keys would either change an object's prototype or be dropped silently on the way
// (JSON.parse keeps `__proto__` as an own key; an object spread or an assignment does not), so they are refused.
// A run id becomes a folder name, so it must be one harmless path segment.

const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);

/** Cuts a user's value for an error message, so a megabyte of input does not become a megabyte of message. */
export function clip(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}

/** Throws a one-line RangeError when `value` (an object from JSON, flags or a grid) holds a forbidden key anywhere. */
export function refuseUnsafeKeys(value: unknown, source: string, path = ''): void {
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => refuseUnsafeKeys(item, source, `${path}[${i}]`));
    return;
  }
  for (const key of Object.keys(value)) {
    const at = path ? `${path}.${key}` : key;
    if (forbiddenKeys.has(key)) {
      throw new RangeError(`Invalid ${source}: key '${clip(at)}' is not allowed (__proto__, constructor and prototype are never config keys)`);
    }
    refuseUnsafeKeys((value as Record<string, unknown>)[key], source, at);
  }
}

/**
 * Why `id` is not a safe single path segment (empty, `.`, `..`, a separator, a control character, too long),
 * or null when it is one.
 */
export function unsafeSegmentReason(id: unknown): string | null {
  if (typeof id !== 'string' || id.length === 0) return 'it is not a non-empty string';
  if (id === '.' || id === '..') return `it is '${id}'`;
  if (/[/\\]/.test(id)) return 'it contains a path separator';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(id)) return 'it contains a control character';
  if (id.length > 200) return 'it is longer than 200 characters';
  return null;
}
