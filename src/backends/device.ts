// Which device a run computes on: `device: 'cpu' | 'cuda'` in the API, `--device cuda` in the CLI. 'cuda' needs the
// addon built with nvcc and a device present; without one the run falls back to the CPU and says why, once, in one
// line (or, with `strict`, throws that line as an Error).
import { native } from '../native.js';
import { expectOneOf } from '../validate.js';

export const devices = ['cpu', 'cuda'] as const;
export type Device = (typeof devices)[number];

export interface DeviceResolution {
  requested: Device;
  /** the device the run will use */
  device: Device;
  /** why the requested device is not used, null when it is */
  fallback: string | null;
}

export interface ResolveDeviceOptions {
  /** throw instead of falling back (default false) */
  strict?: boolean;
  /** where the fallback message goes (default console.warn) */
  warn?: (message: string) => void;
}

/** Why CUDA cannot be used in this process, or null when it can. */
export function cudaUnavailableReason(): string | null {
  if (native.cudaAvailable()) return null;
  const info = native.cudaDeviceInfo();
  return info.reason ?? 'no CUDA device was found';
}

export function resolveDevice(requested: unknown = 'cpu', options: ResolveDeviceOptions = {}): DeviceResolution {
  const device = expectOneOf(requested, 'device', devices);
  if (device === 'cpu') return { requested: device, device, fallback: null };
  const reason = cudaUnavailableReason();
  if (reason === null) return { requested: device, device, fallback: null };
  if (options.strict) throw new Error(`prunerl: device 'cuda' was requested but is not available: ${reason}`);
  const message = `prunerl: device 'cuda' was requested but is not available (${reason}); running on the CPU instead`;
  (options.warn ?? console.warn)(message);
  return { requested: device, device: 'cpu', fallback: message };
}
