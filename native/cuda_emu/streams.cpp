// Streams, stream capture and events on the emulator (stream_capture.h). Work runs when it is submitted, so a stream
// is only two things here: whether it captures, and the work it has recorded. Stream 0 and cudaStreamPerThread are
// the calling thread's own stream (the real build's --default-stream=per-thread); cudaStreamLegacy is one stream
// for the process, which may not capture and may not be used while a blocking stream captures.
//
// The capture rules are CUDA's (cuda_runtime_api.h: cudaStreamBeginCapture, cudaThreadExchangeStreamCaptureMode;
// the programming guide's "Prohibited and Unhandled Operations"), for a thread in the default (global) interaction
// mode: an unsafe call is refused while this thread captures in global or thread-local mode, or another thread in
// global mode; synchronising with a capturing stream, or with the device while any stream captures, is refused;
// each refusal invalidates the captures concerned, and cudaStreamEndCapture then fails, naming the first refusal.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

#include "cuda_emu/launch.h"
#include "cuda_emu/stream_capture.h"

namespace prunerl::cuda_emu {

struct Capture {
  cudaStreamCaptureMode mode;
  std::thread::id owner;
  std::string invalidatedBy;  // empty while valid
  std::vector<CapturedWork> work;
};

struct CUstream_st {
  unsigned flags = cudaStreamDefault;
  std::unique_ptr<Capture> capture;
  ~CUstream_st();
};

struct CUevent_st {
  std::chrono::steady_clock::time_point at;
  bool recorded = false;
  bool recordedInCapture = false;  // last recorded into a capture: it stands for a node, not a moment
};

namespace {

// Never destroyed: per-thread streams of exiting threads unregister through them, possibly after static
// destruction has begun.
std::mutex& captureMutex() {
  static auto* m = new std::mutex();
  return *m;
}
std::vector<CUstream_st*>& capturingStreams() {  // under captureMutex
  static auto* v = new std::vector<CUstream_st*>();
  return *v;
}
std::atomic<int> captureCount{0};

CUstream_st legacyStream;
thread_local CUstream_st perThreadStream;

CUstream_st* streamOf(cudaStream_t s) {
  if (s == nullptr || s == cudaStreamPerThread) return &perThreadStream;
  if (s == cudaStreamLegacy) return &legacyStream;
  return s;
}

cudaError_t refuse(cudaError_t e, const std::string& detail) {
  setLastError(e, detail.c_str());
  return e;
}

void invalidate(Capture& c, const std::string& why) {
  if (c.invalidatedBy.empty()) c.invalidatedBy = why;
  c.work.clear();  // never replayed: drop the recorded closures now
}

// Under captureMutex.
bool blockingCaptures() {
  for (CUstream_st* s : capturingStreams())
    if (!(s->flags & cudaStreamNonBlocking)) return true;
  return false;
}

// The legacy stream waits on every blocking stream: used during their capture, it would depend on work that has not
// run. Under captureMutex.
cudaError_t refuseLegacyUse(const char* call) {
  for (CUstream_st* s : capturingStreams())
    if (!(s->flags & cudaStreamNonBlocking)) invalidate(*s->capture, std::string(call) + " on the legacy stream");
  return refuse(cudaErrorStreamCaptureImplicit,
                std::string(call) + " on cudaStreamLegacy while a blocking stream captures");
}

void endCapture(CUstream_st* s) {  // under captureMutex
  auto& all = capturingStreams();
  all.erase(std::remove(all.begin(), all.end(), s), all.end());
  captureCount.fetch_sub(1, std::memory_order_release);
}

}  // namespace

CUstream_st::~CUstream_st() {
  if (!capture) return;
  std::lock_guard<std::mutex> lock(captureMutex());
  endCapture(this);
}

bool anyCapture() { return captureCount.load(std::memory_order_acquire) != 0; }

cudaError_t submit(cudaStream_t stream, const char* what, std::function<cudaError_t()> work) {
  if (anyCapture()) {
    std::unique_lock<std::mutex> lock(captureMutex());
    CUstream_st* s = streamOf(stream);
    if (s == &legacyStream && blockingCaptures()) return refuseLegacyUse(what);
    if (s->capture) {
      if (!s->capture->invalidatedBy.empty())
        return refuse(cudaErrorStreamCaptureInvalidated,
                      std::string(what) + " on a stream whose capture was invalidated by " + s->capture->invalidatedBy);
      s->capture->work.push_back(CapturedWork{what, std::move(work)});
      return cudaSuccess;
    }
  }
  return work();
}

void invalidateCapture(cudaStream_t stream, const char* why) {
  if (!anyCapture()) return;
  std::lock_guard<std::mutex> lock(captureMutex());
  CUstream_st* s = streamOf(stream);
  if (s->capture) invalidate(*s->capture, why);
}

void launchOn(cudaStream_t stream, const LaunchConfig& config, void (*thread)(void*), std::shared_ptr<void> closure) {
  if (!anyCapture()) {
    runGrid(config, thread, closure.get());
    return;
  }
  std::string why;
  if (!validLaunchConfig(config, why)) {  // fails now, recorded or not, and spoils the capture
    invalidateCapture(stream, config.name);
    setLastError(cudaErrorInvalidConfiguration, (std::string(config.name) + ": " + why).c_str());
    return;
  }
  submit(stream, config.name, [config, thread, closure = std::move(closure)] {
    return runGrid(config, thread, closure.get());
  });
}

cudaError_t checkUnsafeCall(const char* call) {
  if (!anyCapture()) return cudaSuccess;
  std::lock_guard<std::mutex> lock(captureMutex());
  const std::thread::id me = std::this_thread::get_id();
  bool refused = false;
  for (CUstream_st* s : capturingStreams()) {
    Capture& c = *s->capture;
    const bool forbids = c.owner == me ? c.mode != cudaStreamCaptureModeRelaxed : c.mode == cudaStreamCaptureModeGlobal;
    if (forbids) invalidate(c, call), refused = true;
  }
  if (!refused) return cudaSuccess;
  return refuse(cudaErrorStreamCaptureUnsupported,
                std::string(call) + " during a stream capture: it would not be part of the graph's replays");
}

cudaError_t checkStreamSync(cudaStream_t stream, const char* call) {
  if (!anyCapture()) return cudaSuccess;
  std::lock_guard<std::mutex> lock(captureMutex());
  CUstream_st* s = streamOf(stream);
  if (s == &legacyStream) return blockingCaptures() ? refuseLegacyUse(call) : cudaSuccess;
  if (!s->capture) return cudaSuccess;
  invalidate(*s->capture, call);
  return refuse(cudaErrorStreamCaptureUnsupported,
                std::string(call) + " waits for a capturing stream, whose work only runs when the graph is launched");
}

cudaError_t checkDeviceSync(const char* call) {
  if (!anyCapture()) return cudaSuccess;
  std::lock_guard<std::mutex> lock(captureMutex());
  for (CUstream_st* s : capturingStreams()) invalidate(*s->capture, call);
  return refuse(cudaErrorStreamCaptureUnsupported, std::string(call) + " while a stream captures");
}

// ---- streams ------------------------------------------------------------------------------------------------------

cudaError_t cudaStreamCreateWithFlags(cudaStream_t* stream, unsigned int flags) {
  if (stream == nullptr) return refuse(cudaErrorInvalidValue, "cudaStreamCreate: null pointer for the result");
  if (flags & ~cudaStreamNonBlocking) return refuse(cudaErrorInvalidValue, "cudaStreamCreateWithFlags: unknown flags");
  *stream = new CUstream_st();
  (*stream)->flags = flags;
  return cudaSuccess;
}

cudaError_t cudaStreamCreate(cudaStream_t* stream) { return cudaStreamCreateWithFlags(stream, cudaStreamDefault); }

// A capturing stream's capture ends with it (its work is dropped).
cudaError_t cudaStreamDestroy(cudaStream_t stream) {
  if (stream == nullptr || stream == cudaStreamPerThread || stream == cudaStreamLegacy)
    return refuse(cudaErrorInvalidResourceHandle, "cudaStreamDestroy: not a created stream");
  delete stream;
  return cudaSuccess;
}

cudaError_t cudaStreamSynchronize(cudaStream_t stream) { return checkStreamSync(stream, "cudaStreamSynchronize"); }

cudaError_t cudaStreamBeginCapture(cudaStream_t stream, cudaStreamCaptureMode mode) {
  if (mode != cudaStreamCaptureModeGlobal && mode != cudaStreamCaptureModeThreadLocal &&
      mode != cudaStreamCaptureModeRelaxed)
    return refuse(cudaErrorInvalidValue, "cudaStreamBeginCapture: unknown capture mode");
  std::lock_guard<std::mutex> lock(captureMutex());
  CUstream_st* s = streamOf(stream);
  if (s == &legacyStream)
    return refuse(cudaErrorStreamCaptureUnsupported, "cudaStreamBeginCapture: the legacy stream cannot capture");
  if (s->capture) return refuse(cudaErrorIllegalState, "cudaStreamBeginCapture: the stream is already capturing");
  s->capture = std::make_unique<Capture>(Capture{mode, std::this_thread::get_id(), {}, {}});
  capturingStreams().push_back(s);
  captureCount.fetch_add(1, std::memory_order_release);
  return cudaSuccess;
}

cudaError_t cudaStreamEndCapture(cudaStream_t stream, cudaGraph_t* graph) {
  if (graph == nullptr) return refuse(cudaErrorInvalidValue, "cudaStreamEndCapture: null pointer for the graph");
  std::unique_ptr<Capture> capture;
  {
    std::lock_guard<std::mutex> lock(captureMutex());
    CUstream_st* s = streamOf(stream);
    if (!s->capture) return refuse(cudaErrorIllegalState, "cudaStreamEndCapture: the stream is not capturing");
    if (s->capture->mode != cudaStreamCaptureModeRelaxed && s->capture->owner != std::this_thread::get_id())
      return refuse(cudaErrorStreamCaptureWrongThread, "cudaStreamEndCapture from another thread than its begin");
    endCapture(s);
    capture = std::move(s->capture);
  }
  *graph = nullptr;
  if (!capture->invalidatedBy.empty())
    return refuse(cudaErrorStreamCaptureInvalidated,
                  "cudaStreamEndCapture: the capture was invalidated by " + capture->invalidatedBy);
  *graph = new CUgraph_st{std::move(capture->work)};
  return cudaSuccess;
}

cudaError_t cudaStreamIsCapturing(cudaStream_t stream, cudaStreamCaptureStatus* status) {
  if (status == nullptr) return refuse(cudaErrorInvalidValue, "cudaStreamIsCapturing: null pointer for the status");
  std::lock_guard<std::mutex> lock(captureMutex());
  CUstream_st* s = streamOf(stream);
  if (s == &legacyStream && blockingCaptures())  // the query itself invalidates nothing
    return refuse(cudaErrorStreamCaptureImplicit,
                  "cudaStreamIsCapturing(cudaStreamLegacy) while a blocking stream captures");
  *status = !s->capture                             ? cudaStreamCaptureStatusNone
            : s->capture->invalidatedBy.empty()     ? cudaStreamCaptureStatusActive
                                                    : cudaStreamCaptureStatusInvalidated;
  return cudaSuccess;
}

// ---- events: a steady-clock reading, taken when the record runs (at once, or at each replay) -----------------------

cudaError_t cudaEventCreate(cudaEvent_t* event) {
  if (event == nullptr) return refuse(cudaErrorInvalidValue, "cudaEventCreate: null pointer");
  *event = new CUevent_st();
  return cudaSuccess;
}

cudaError_t cudaEventDestroy(cudaEvent_t event) {
  delete event;
  return cudaSuccess;
}

cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream) {
  if (event == nullptr) return refuse(cudaErrorInvalidResourceHandle, "cudaEventRecord");
  cudaStreamCaptureStatus status = cudaStreamCaptureStatusNone;
  if (anyCapture() && stream != cudaStreamLegacy) cudaStreamIsCapturing(stream, &status);
  const cudaError_t e = submit(stream, "cudaEventRecord", [event] {
    event->at = std::chrono::steady_clock::now();
    event->recorded = true;
    return cudaSuccess;
  });
  if (e == cudaSuccess) event->recordedInCapture = status == cudaStreamCaptureStatusActive;
  return e;
}

cudaError_t cudaEventSynchronize(cudaEvent_t event) {
  if (event == nullptr) return refuse(cudaErrorInvalidResourceHandle, "cudaEventSynchronize");
  if (const cudaError_t e = checkUnsafeCall("cudaEventSynchronize"); e != cudaSuccess) return e;
  if (event->recordedInCapture)
    return refuse(cudaErrorCapturedEvent, "cudaEventSynchronize: the event was last recorded into a capture");
  return cudaSuccess;
}

cudaError_t cudaEventElapsedTime(float* ms, cudaEvent_t start, cudaEvent_t end) {
  if (ms == nullptr || start == nullptr || end == nullptr || !start->recorded || !end->recorded)
    return refuse(cudaErrorInvalidResourceHandle, "cudaEventElapsedTime");
  if (start->recordedInCapture || end->recordedInCapture)
    return refuse(cudaErrorCapturedEvent, "cudaEventElapsedTime: an event was last recorded into a capture");
  *ms = std::chrono::duration<float, std::milli>(end->at - start->at).count();
  return cudaSuccess;
}

}  // namespace prunerl::cuda_emu
