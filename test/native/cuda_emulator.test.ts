// The CUDA emulator's own semantics (native/cuda_emu), through its probe kernels (self_test.cpp): what each warp
// shuffle, vote, barrier, shared variable and atomic gives, computed here from the CUDA programming guide's
// definitions; and that a deadlocked barrier, a shuffle naming an exited lane and an invalid launch fail the launch
// with a message instead of hanging or passing. The kernels of native/cuda are compared on it in cuda.test.ts.
import { describe, expect, it } from 'vitest';
import { native } from '../../src/native.js';

const selfTest = native.cudaEmulatorSelfTest;
const n = 80; // self_test.h kShuffleThreads: warps of 32, 32 and 16 lanes

describe.skipIf(!selfTest)('cuda emulator semantics', () => {
  const r = selfTest!();
  const k = r.shuffleOutputs;
  const at = (t: number, j: number) => r.shuffles[t * k + j];

  it('shuffles read the source lane CUDA defines, per width segment, or the caller\'s own value outside it', () => {
    expect(r.shuffles.length).toBe(n * k);
    for (let t = 0; t < n; t++) {
      const lane = t % 32, warp0 = t - lane, lanes = Math.min(32, n - warp0);
      const segment8 = warp0 + (lane & ~7);
      expect(at(t, 0), `t${t} shfl 3`).toBe((warp0 + 3) * 10);
      expect(at(t, 1), `t${t} shfl 5 width 8`).toBe(segment8 + 5);
      expect(at(t, 2), `t${t} xor 1`).toBe(t ^ 1);
      expect(at(t, 3), `t${t} xor 16 width 16`).toBe(t);
      expect(at(t, 4), `t${t} up 2`).toBe(lane >= 2 ? t - 2 : t);
      expect(at(t, 5), `t${t} down 3 width 8`).toBe((lane % 8) + 3 < 8 ? t + 3 : t);
      let ballot = 0;
      for (let l = 0; l < lanes; l += 3) ballot |= 1 << l;
      expect(at(t, 6), `t${t} ballot`).toBe(ballot | 0);
      expect(at(t, 7), `t${t} the partner's value at the second shuffle`).toBe(t + 100);
      let sum = 0;
      for (let l = 0; l < lanes; l++) sum += warp0 + l;
      expect(at(t, 8), `t${t} butterfly sum of its warp`).toBe(sum);
    }
  });

  it('__syncthreads is a barrier: every thread reads its neighbour\'s shared write', () => {
    expect(Array.from(r.barrier)).toEqual(Array.from({ length: n }, (_, t) => (t + 1) % n));
  });

  it('each block starts with undefined (0xFF-filled) shared memory, never its predecessor\'s', () => {
    expect(Array.from(r.sharedAtStart)).toEqual([0xffffffff, 0xffffffff, 0xffffffff]);
  });

  it('atomics are atomic across blocks and threads', () => {
    expect(r.atomicSum).toBe(5 * 96);
    expect(r.atomicMinimum).toBe(3);
  });

  it('a deadlocked barrier, a shuffle naming an exited lane and a 2048-thread block fail the launch, saying why', () => {
    expect(r.deadlock).toMatch(/^cudaErrorLaunchFailure: .*deadlockProbe: divergent __syncthreads: 33 of 64 live threads wait at it .*31 at a warp collective/);
    expect(r.exitedLane).toMatch(/^cudaErrorLaunchFailure: .*exitedLaneProbe: __shfl_sync by thread \(16,0,0\) .* names lane 0, which has exited/);
    expect(r.invalidConfig).toMatch(/^cudaErrorInvalidConfiguration: .*emptyKernel: more than 1024 threads per block/);
  });
});

// Stream capture and graphs (native/cuda_emu/streams.cpp, graphs.cpp), probed on the runtime calls
// (capture_self_test.cpp) against CUDA's documented rules: cuda_runtime_api.h (cudaStreamBeginCapture,
// cudaStreamEndCapture, cudaStreamIsCapturing, cudaThreadExchangeStreamCaptureMode) and the programming guide's
// prohibited operations. Stream 0 is the per-thread default stream, as in the real build (--default-stream=per-thread).
const captureTest = native.cudaEmulatorCaptureSelfTest;

describe.skipIf(!captureTest)('cuda emulator stream capture', () => {
  const c = captureTest!();

  it('records launches on the capturing stream (stream 0 included) with the arguments they had, and replays them', () => {
    expect(c.beginGlobal).toBe('cudaSuccess');
    expect([c.statusDuring, c.statusOfStream0During, c.statusAfter]).toEqual(['active', 'active', 'none']);
    expect(c.valueDuringCapture).toBe('0');
    expect(c.end).toBe('cudaSuccess');
    expect(c.valueAfter3Replays).toBe('15'); // 3 × the k = 5 captured, not the 7 set afterwards
  });

  it('records a graph launched into a capturing stream as one step of the outer graph', () => {
    expect([c.beginOuter, c.childLaunch, c.endOuter]).toEqual(['cudaSuccess', 'cudaSuccess', 'cudaSuccess']);
    expect(c.valueBeforeOuterReplay).toBe('15');
    expect(c.valueAfterOuterReplay).toBe('120');
  });

  it('records async copies and memsets as pointers: a replay copies what the source holds then', () => {
    expect([c.memcpyAsync, c.memsetAsync, c.copiesEnd]).toEqual(['cudaSuccess', 'cudaSuccess', 'cudaSuccess']);
    expect(c.dstBeforeReplay).toBe('0,9');
    expect(c.dstAfterReplay).toBe('42,0');
  });

  it('refuses host memory where CUDA wants device memory: a kernel argument, a copy\'s device side, a memset, a free', () => {
    expect(c.hostPointerLaunch).toBe('cudaErrorInvalidValue');
    expect(c.hostPointerLaunchRan).toBe('0');
    expect([c.hostToDeviceIntoHost, c.hostToDeviceFromDevice]).toEqual(['cudaErrorInvalidValue', 'cudaErrorInvalidValue']);
    expect(c.hostToDeviceProper).toBe('cudaSuccess');
    expect([c.memsetHost, c.freeHost]).toEqual(['cudaErrorInvalidValue', 'cudaErrorInvalidValue']);
  });

  it('refuses the legacy stream, a second begin and an end without begin', () => {
    expect(c.beginLegacy).toBe('cudaErrorStreamCaptureUnsupported');
    expect(c.beginTwice).toBe('cudaErrorIllegalState');
    expect(c.beginTwiceEnd).toBe('cudaSuccess');
    expect(c.endWithoutBegin).toBe('cudaErrorIllegalState');
    expect(c.legacyLaunch).toBe('cudaErrorStreamCaptureImplicit');
    expect(c.legacyLaunchEnd).toBe('cudaErrorStreamCaptureInvalidated');
  });

  it('refuses unsafe calls and syncs during a capture, invalidating it until its end', () => {
    expect(c.malloc).toBe('cudaErrorStreamCaptureUnsupported');
    expect(c.statusAfterMalloc).toBe('invalidated');
    expect(c.launchAfterInvalidation).toBe('cudaErrorStreamCaptureInvalidated');
    expect(c.mallocEnd).toBe('cudaErrorStreamCaptureInvalidated');
    expect([c.invalidConfig, c.invalidConfigEnd]).toEqual(['cudaErrorInvalidConfiguration', 'cudaErrorStreamCaptureInvalidated']);
    expect([c.deviceSync, c.deviceSyncEnd]).toEqual(['cudaErrorStreamCaptureUnsupported', 'cudaErrorStreamCaptureInvalidated']);
    expect(c.otherStreamSync).toBe('cudaSuccess');
    expect(c.ownStreamSync).toBe('cudaErrorStreamCaptureUnsupported');
    expect(c.streamSyncEnd).toBe('cudaErrorStreamCaptureInvalidated');
    expect([c.eventRecord, c.eventRecordEnd]).toEqual(['cudaSuccess', 'cudaSuccess']);
    expect(c.capturedEventSync).toBe('cudaErrorCapturedEvent');
  });

  it('applies the capture modes to this thread and to others', () => {
    expect([c.ownMallocGlobal, c.otherThreadMallocGlobal, c.endGlobal])
      .toEqual(['cudaErrorStreamCaptureUnsupported', 'cudaErrorStreamCaptureUnsupported', 'cudaErrorStreamCaptureInvalidated']);
    expect([c.ownMallocThreadLocal, c.otherThreadMallocThreadLocal, c.endThreadLocal])
      .toEqual(['cudaErrorStreamCaptureUnsupported', 'cudaSuccess', 'cudaErrorStreamCaptureInvalidated']);
    expect([c.ownMallocRelaxed, c.otherThreadMallocRelaxed, c.endRelaxed]).toEqual(['cudaSuccess', 'cudaSuccess', 'cudaSuccess']);
    expect(c.otherThreadEndsItsStream0).toBe('cudaErrorIllegalState'); // its own per-thread stream is not capturing
    expect(c.endOwnStream0).toBe('cudaSuccess');
    expect(c.otherThreadEndsSharedStream).toBe('cudaErrorStreamCaptureWrongThread');
    expect(c.endSharedStream).toBe('cudaSuccess');
  });

  it('reports a kernel that fails during a replay from cudaGraphLaunch, and leaves no stale error', () => {
    expect(c.failedReplay).toBe('cudaErrorLaunchFailure');
    expect(c.lastErrorAfterFailedReplay).toBe('cudaSuccess');
    expect(c.lastErrorAtEnd).toBe('cudaSuccess');
  });
});
