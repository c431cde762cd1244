// Which device a run computes on: `device: 'cpu' | 'cuda'` in the API, `--device cuda` in the CLI. 'cuda' needs the
// addon built with nvcc and a device present; without one the run falls back to the CPU and says why, once, in one
// line (or, with `strict`, throws that line as an Error).
import { native, type ModelDevice } from '../native.js';
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

/** The device tables a run can put its networks on. */
export type RunDevice = Exclude<ModelDevice, 'cpu-reference'>;

/** The environment variable that, with `device: 'cuda'` and no GPU, runs the networks on the CUDA emulator. */
export const CUDA_EMULATE_ENV = 'PRUNERL_CUDA_EMULATE';

/**
 * The device table a run's networks are built on (a Network's `device`): 'cuda' when CUDA was asked for and a GPU is
 * there; 'cpu' otherwise, after resolveDevice's one line saying why. For testing without a GPU, PRUNERL_CUDA_EMULATE=1
 * turns a 'cuda' request into 'cuda-emulated' (the same CUDA kernels on the host emulator, slow), saying so once.
 */
export function modelDeviceFor(requested: unknown = 'cpu', options: ResolveDeviceOptions = {}): RunDevice {
  const device = expectOneOf(requested, 'device', devices);
  if (device === 'cuda' && process.env[CUDA_EMULATE_ENV] === '1' && !native.cudaAvailable()) {
    if (native.cudaEmulated === undefined) {
      throw new Error(`prunerl: ${CUDA_EMULATE_ENV}=1 asks for the CUDA emulator but this addon was built without it (--CDPRUNERL_CUDA_EMULATOR=OFF)`);
    }
    (options.warn ?? console.warn)(`prunerl: ${CUDA_EMULATE_ENV}=1: the networks run on the CUDA emulator (cuda-emulated: the CUDA kernels on the host, for testing; slow)`);
    return 'cuda-emulated';
  }
  return resolveDevice(device, options).device;
}
