// Runs a test body once per SIMD level this CPU supports, so every kernel variant meets the reference.
import { native, type SimdLevel } from '../../src/native.js';

export const simdLevels: SimdLevel[] = native.supportedSimdLevels();

export function withSimdLevel<T>(level: SimdLevel, body: () => T): T {
  const before = native.simdLevel();
  native.setSimdLevel(level);
  try {
    return body();
  } finally {
    native.setSimdLevel(before);
  }
}
