// The emulator's streams as the rest of it sees them (streams.cpp). Work submitted to a stream runs at once (every
// launch and copy is synchronous here) unless the stream is capturing: then it is recorded, with its arguments as
// they are now, and runs on every replay of the instantiated graph (graphs.cpp). The checks below are the calls
// CUDA refuses while a capture could observe them; each refusal invalidates the captures it concerns, so
// cudaStreamEndCapture reports it, as on a GPU.
#pragma once
#include <functional>
#include <memory>
#include <vector>

#include "cuda_emu/runtime_api.h"

namespace prunerl::cuda_emu {

// One recorded operation: a kernel launch, an async copy or memset, an event record, a whole graph launched.
struct CapturedWork {
  const char* what;
  std::function<cudaError_t()> run;
};

// Runs `work` now and returns its error, or records it if `stream` captures (cudaSuccess), or refuses it: an
// invalidated capture (cudaErrorStreamCaptureInvalidated), the legacy stream while a blocking stream captures
// (cudaErrorStreamCaptureImplicit). A refusal is also the last error.
cudaError_t submit(cudaStream_t stream, const char* what, std::function<cudaError_t()> work);

// Whether any stream captures now (a cheap test for the launch path).
bool anyCapture();

// Invalidates the capture of `stream`, if it captures (an invalid launch recorded into it).
void invalidateCapture(cudaStream_t stream, const char* why);

// CUDA's "potentially unsafe" calls (cudaMalloc, cudaFree, a synchronous copy or memset, an event synchronize):
// refused while this thread captures in global or thread-local mode, or another thread in global mode.
cudaError_t checkUnsafeCall(const char* call);
// Synchronising with `stream` (cudaStreamSynchronize, a synchronous copy on the default stream): refused while it
// captures; the legacy stream while any blocking stream captures.
cudaError_t checkStreamSync(cudaStream_t stream, const char* call);
// cudaDeviceSynchronize: refused while any stream captures.
cudaError_t checkDeviceSync(const char* call);

// What cudaStreamEndCapture returns: the recorded work, in order (a chain: one stream, no forks).
struct CUgraph_st {
  std::vector<CapturedWork> work;
};

// What cudaGraphInstantiate returns: the graph's work, shared with the replays in flight.
struct CUgraphExec_st {
  std::shared_ptr<const std::vector<CapturedWork>> work;
};

}  // namespace prunerl::cuda_emu
