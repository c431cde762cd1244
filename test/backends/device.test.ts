import { afterEach, describe, expect, it } from 'vitest';
import { CUDA_EMULATE_ENV, modelDeviceFor, resolveDevice } from '../../src/backends/device.js';
import { native } from '../../src/native.js';

describe('resolveDevice', () => {
  it('rejects what is not a device, in the one error format', () => {
    expect(() => resolveDevice(3)).toThrow(TypeError);
    expect(() => resolveDevice(3)).toThrow('Expected one of cpu, cuda for device but received number 3');
    expect(() => resolveDevice('gpu')).toThrow(RangeError);
    expect(() => resolveDevice('gpu')).toThrow("Expected one of cpu, cuda for device but received string 'gpu'");
  });

  it('keeps the CPU, silently, and defaults to it', () => {
    const warnings: string[] = [];
    expect(resolveDevice(undefined, { warn: (m) => warnings.push(m) })).toEqual({ requested: 'cpu', device: 'cpu', fallback: null });
    expect(resolveDevice('cpu', { warn: (m) => warnings.push(m) }).device).toBe('cpu');
    expect(warnings).toEqual([]);
  });

  it.skipIf(native.cudaAvailable())('without a GPU, cuda falls back to the CPU with one clear line (strict: throws it)', () => {
    const warnings: string[] = [];
    const r = resolveDevice('cuda', { warn: (m) => warnings.push(m) });
    expect(r.device).toBe('cpu');
    expect(r.requested).toBe('cuda');
    expect(warnings).toEqual([r.fallback]);
    expect(r.fallback).toMatch(/^prunerl: device 'cuda' was requested but is not available \(.+\); running on the CPU instead$/);
    expect(r.fallback).toContain(native.cudaDeviceInfo().reason as string);
    expect(() => resolveDevice('cuda', { strict: true })).toThrow(/^prunerl: device 'cuda' was requested but is not available: /);
  });

  it.skipIf(!native.cudaAvailable())('with a GPU, cuda is used', () => {
    expect(resolveDevice('cuda')).toEqual({ requested: 'cuda', device: 'cuda', fallback: null });
  });
});

describe('modelDeviceFor: the table a run builds its networks on', () => {
  afterEach(() => { delete process.env[CUDA_EMULATE_ENV]; });

  it('is the CPU for cpu, silently, and refuses what is not a device', () => {
    const warnings: string[] = [];
    expect(modelDeviceFor('cpu', { warn: (m) => warnings.push(m) })).toBe('cpu');
    process.env[CUDA_EMULATE_ENV] = '1'; // only a cuda request is emulated
    expect(modelDeviceFor('cpu', { warn: (m) => warnings.push(m) })).toBe('cpu');
    expect(warnings).toEqual([]);
    expect(() => modelDeviceFor('cuda-emulated')).toThrow("Expected one of cpu, cuda for device but received string 'cuda-emulated'");
  });

  it.skipIf(native.cudaAvailable())('without a GPU: cuda is the CPU after one line, or the emulator with PRUNERL_CUDA_EMULATE=1', () => {
    const warnings: string[] = [];
    expect(modelDeviceFor('cuda', { warn: (m) => warnings.push(m) })).toBe('cpu');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^prunerl: device 'cuda' was requested but is not available/);
    process.env[CUDA_EMULATE_ENV] = '0';
    expect(modelDeviceFor('cuda', { warn: () => {} })).toBe('cpu');
    if (native.cudaEmulated === undefined) return;
    process.env[CUDA_EMULATE_ENV] = '1';
    expect(modelDeviceFor('cuda', { warn: (m) => warnings.push(m) })).toBe('cuda-emulated');
    expect(warnings[1]).toMatch(/^prunerl: PRUNERL_CUDA_EMULATE=1: the networks run on the CUDA emulator/);
  });
});
