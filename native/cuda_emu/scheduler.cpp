// Runs a kernel's grid on the calling OS thread: blocks one after another (x fastest, then y, z), each block's
// threads as fibers (fiber.h). A fiber runs until it reaches __syncthreads, a warp collective or its end; then the
// next runnable one runs. When none is left runnable the scheduler completes what can be completed: a warp
// collective whose mask has fully arrived (values exchanged, lanes released), else the block barrier once every live
// thread waits at it. Anything else is a divergent barrier or collective: the launch fails with
// cudaErrorLaunchFailure and a message saying which threads were where.
//
// Under ThreadSanitizer (PRUNERL_CUDA_EMU_TSAN, the build's -DPRUNERL_SANITIZE=thread) each GPU thread is a TSan
// fiber, switched without implied synchronisation, and happens-before is declared where CUDA gives it: among a
// block's threads at each __syncthreads (and among a warp's lanes at __syncwarp); shuffles and votes move registers,
// not memory, so they order nothing. So a missing __syncthreads between one thread's shared-memory write and
// another's read is a reported race. Blocks, though, are declared to run one after another (each block's threads
// start after, and end before, the scheduler's work between blocks): the per-block __shared__ storage and the fiber
// stacks are reused from block to block, and this libtsan (GCC 12) offers no working way to declare memory fresh
// (AnnotateNewMemory leaves the shadow as it was). Races between different blocks are therefore not reported.
// This file itself is compiled without TSan instrumentation: its bookkeeping is touched by fibers and scheduler alike.
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cuda_emu/device.h"
#include "cuda_emu/fiber.h"
#include "cuda_emu/launch.h"
#include "cuda_emu/stats.h"

#if PRUNERL_CUDA_EMU_TSAN
#include <sanitizer/tsan_interface.h>
#endif
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

// Every __shared__ variable of the emulated kernels (device.h puts them in this section).
extern "C" char __start_prunerl_cuda_shared[] __attribute__((weak));
extern "C" char __stop_prunerl_cuda_shared[] __attribute__((weak));

namespace prunerl::cuda_emu {
namespace {

// ---- ThreadSanitizer annotations (no-ops in other builds) ---------------------------------------------------------
#if PRUNERL_CUDA_EMU_TSAN
void* tsanCurrentFiber() { return __tsan_get_current_fiber(); }
void* tsanCreateFiber() { return __tsan_create_fiber(0); }
void tsanSwitch(void* f) { __tsan_switch_to_fiber(f, __tsan_switch_to_fiber_no_sync); }
void tsanRelease(void* token) { __tsan_release(token); }
void tsanAcquire(void* token) { __tsan_acquire(token); }
#else
void* tsanCurrentFiber() { return nullptr; }
void* tsanCreateFiber() { return nullptr; }
void tsanSwitch(void*) {}
void tsanRelease(void*) {}
void tsanAcquire(void*) {}
#endif

enum class State : uint8_t { Runnable, AtBarrier, AtWarp, Done };

struct Block;

struct GpuThread {
  Fiber fiber;
  ThreadCoordinates coordinates;
  State state = State::Runnable;
  int lane = 0;
  Block* block = nullptr;
  void* tsanFiber = nullptr;
  // The warp collective it waits at.
  WarpOp op = WarpOp::Sync;
  unsigned mask = 0;
  uint64_t value = 0, result = 0;
  int argument = 0, width = 32;
  unsigned syncGeneration = 0;
};

// A block's synchronisation tokens, on the heap per block: TSan forgets the sync state of freed memory, so no
// happens-before leaks from one block into the next through a reused token.
struct Block {
  unsigned barrierGeneration = 0;
  char barrierToken[2] = {};
  std::vector<unsigned> warpGeneration;
  std::vector<char> warpToken;  // 2 per warp
};

struct Run {
  void (*body)(void*) = nullptr;
  void* closure = nullptr;
  char startToken = 0, doneToken = 0;  // scheduler → a block's threads, and back (TSan)
};

// One per process; launchMutex serialises launches from different JS threads (worker_threads), which keeps the
// coordinates a plain global instead of a thread_local (a __tls_get_addr call per threadIdx in a shared library).
struct Emulator {
  StackPool stacks;
  Fiber scheduler;
  void* schedulerTsan = nullptr;
  std::vector<GpuThread> threads;
  // TSan's fiber per thread index, created once and reused (blocks are ordered for TSan anyway; creating one per
  // GPU thread would cost a TSan thread start each).
  std::vector<void*> tsanFibers;
  GpuThread* current = nullptr;
  Run* run = nullptr;
};
Emulator emulator;
std::mutex launchMutex;

std::mutex statsMutex;
std::map<std::string, KernelStats>& statsTable() {
  static auto* table = new std::map<std::string, KernelStats>();  // never destroyed: launches may outlive exit
  return *table;
}

[[noreturn]] void endThread(GpuThread& t);

void threadMain(void* argument) {
  GpuThread& t = *static_cast<GpuThread*>(argument);
  tsanAcquire(&emulator.run->startToken);
  emulator.run->body(emulator.run->closure);
  tsanRelease(&emulator.run->doneToken);
  endThread(t);
}

// From a fiber back to the scheduler; returns when the scheduler resumes this fiber.
void yieldToScheduler(GpuThread& t) {
  tsanSwitch(emulator.schedulerTsan);
  emulator.scheduler.switchFrom(t.fiber);
}

[[noreturn]] void endThread(GpuThread& t) {
  t.state = State::Done;
  yieldToScheduler(t);
  __builtin_unreachable();  // a finished fiber is never resumed
}

void resume(GpuThread& t) {
  emulator.current = &t;
  currentCoordinates = &t.coordinates;
  tsanSwitch(t.tsanFiber);
  t.fiber.switchFrom(emulator.scheduler);
  emulator.current = nullptr;
}

std::string where(const GpuThread& t) {
  const uint3 i = t.coordinates.threadIndex, b = t.coordinates.blockIndex;
  return "thread (" + std::to_string(i.x) + "," + std::to_string(i.y) + "," + std::to_string(i.z) + ") of block (" +
         std::to_string(b.x) + "," + std::to_string(b.y) + "," + std::to_string(b.z) + ")";
}

const char* opName(WarpOp op) {
  switch (op) {
    case WarpOp::ShuffleIndex: return "__shfl_sync";
    case WarpOp::ShuffleXor: return "__shfl_xor_sync";
    case WarpOp::ShuffleUp: return "__shfl_up_sync";
    case WarpOp::ShuffleDown: return "__shfl_down_sync";
    case WarpOp::Ballot: return "__ballot_sync";
    case WarpOp::Any: return "__any_sync";
    case WarpOp::All: return "__all_sync";
    default: return "__syncwarp";
  }
}

// The lane a shuffle reads for lane i of a group, or i itself where CUDA returns the caller's own value.
int sourceLane(const GpuThread& t, int i) {
  const int w = t.width, base = (i / w) * w;
  switch (t.op) {
    case WarpOp::ShuffleIndex: return base + (t.argument & (w - 1));
    case WarpOp::ShuffleXor: {
      const int s = i ^ t.argument;
      return s >= base && s < base + w ? s : i;
    }
    case WarpOp::ShuffleUp: return i - t.argument >= base ? i - t.argument : i;
    case WarpOp::ShuffleDown: return i + t.argument < base + w ? i + t.argument : i;
    default: return i;
  }
}

// Completes every warp collective whose mask has fully arrived. Returns whether any did; sets `error` on a
// collective CUDA leaves undefined (a lane of the mask exited, lanes of one mask at different collectives).
bool completeWarpCollectives(GpuThread* first, int count, std::string& error) {
  bool progressed = false;
  for (int w0 = 0; w0 < count; w0 += 32) {
    GpuThread* warp = first + w0;
    const int lanes = count - w0 < 32 ? count - w0 : 32;
    const unsigned existing = lanes == 32 ? 0xffffffffu : ((1u << lanes) - 1u);
    for (int l = 0; l < lanes; ++l) {
      GpuThread& t = warp[l];
      if (t.state != State::AtWarp) continue;
      const unsigned group = t.mask & existing;
      if (!(t.mask >> l & 1u)) {
        error = std::string(opName(t.op)) + " called by " + where(t) + " with a mask that leaves out its own lane";
        return false;
      }
      bool arrived = true;
      for (int j = 0; j < lanes && arrived; ++j) {
        if (!(group >> j & 1u)) continue;
        const GpuThread& o = warp[j];
        if (o.state == State::Done) {
          error = std::string(opName(t.op)) + " by " + where(t) + " names lane " + std::to_string(j) +
                  ", which has exited";
          return false;
        }
        if (o.state != State::AtWarp) arrived = false;
        else if (o.op != t.op || o.mask != t.mask || o.width != t.width) {
          error = "divergent warp collectives: " + where(t) + " at " + opName(t.op) + ", " + where(o) + " at " +
                  opName(o.op) + " (or another mask or width)";
          return false;
        }
      }
      if (!arrived) continue;
      uint64_t votes = 0;
      for (int j = 0; j < lanes; ++j)
        if ((group >> j & 1u) && warp[j].value != 0) votes |= uint64_t{1} << j;
      for (int j = 0; j < lanes; ++j) {
        if (!(group >> j & 1u)) continue;
        GpuThread& o = warp[j];
        switch (t.op) {
          case WarpOp::Ballot: o.result = votes; break;
          case WarpOp::Any: o.result = votes != 0; break;
          case WarpOp::All: o.result = votes == group; break;
          case WarpOp::Sync: o.result = 0; break;
          default: {
            const int s = sourceLane(o, j);
            o.result = (s < lanes && (group >> s & 1u)) ? warp[s].value : o.value;
          }
        }
        o.state = State::Runnable;
      }
      if (t.op == WarpOp::Sync) ++t.block->warpGeneration[static_cast<size_t>(w0 / 32)];
      progressed = true;
    }
  }
  return progressed;
}

// Runs one block to its end; returns an empty string, or what went wrong.
std::string runBlock(GpuThread* threads, int count) {
  for (;;) {
    int live = 0;
    for (int i = 0; i < count; ++i) {
      if (threads[i].state == State::Runnable) resume(threads[i]);
    }
    int atBarrier = 0, atWarp = 0;
    for (int i = 0; i < count; ++i) {
      live += threads[i].state != State::Done;
      atBarrier += threads[i].state == State::AtBarrier;
      atWarp += threads[i].state == State::AtWarp;
    }
    if (live == 0) return {};
    std::string error;
    if (completeWarpCollectives(threads, count, error)) continue;
    if (!error.empty()) return error;
    if (atBarrier == live) {
      Block& b = *threads[0].block;
      ++b.barrierGeneration;
      for (int i = 0; i < count; ++i)
        if (threads[i].state == State::AtBarrier) threads[i].state = State::Runnable;
      continue;
    }
    const GpuThread* barrier = nullptr;
    const GpuThread* warp = nullptr;
    for (int i = 0; i < count; ++i) {
      if (!barrier && threads[i].state == State::AtBarrier) barrier = &threads[i];
      if (!warp && threads[i].state == State::AtWarp) warp = &threads[i];
    }
    std::string message = "divergent __syncthreads: " + std::to_string(atBarrier) + " of " + std::to_string(live) +
                          " live threads wait at it";
    if (barrier) message += " (first " + where(*barrier) + ")";
    if (warp)
      message += ", " + std::to_string(atWarp) + " at a warp collective that cannot complete (first " + where(*warp) +
                 " at " + opName(warp->op) + ")";
    return message;
  }
}

void refillSharedMemory() {
  if (__start_prunerl_cuda_shared == nullptr || __stop_prunerl_cuda_shared == nullptr) return;
  const size_t bytes = static_cast<size_t>(__stop_prunerl_cuda_shared - __start_prunerl_cuda_shared);
  std::memset(__start_prunerl_cuda_shared, 0xFF, bytes);
}

}  // namespace

bool validLaunchConfig(const LaunchConfig& c, std::string& why) {
  const uint64_t threads = uint64_t{c.block.x} * c.block.y * c.block.z;
  if (c.grid.x == 0 || c.grid.y == 0 || c.grid.z == 0 || threads == 0) why = "a zero grid or block dimension";
  else if (threads > 1024 || c.block.z > 64) why = "more than 1024 threads per block (or block.z > 64)";
  else if (c.grid.x > 2147483647u || c.grid.y > 65535u || c.grid.z > 65535u) why = "a grid dimension over the limit";
  else if (c.dynamicShared > 0) why = "dynamic shared memory, which the emulator does not provide";
  return why.empty();
}

const ThreadCoordinates* currentCoordinates = nullptr;

void syncthreads() {
  GpuThread& t = *emulator.current;
  Block& b = *t.block;
  const unsigned generation = b.barrierGeneration;
  tsanRelease(&b.barrierToken[generation & 1u]);
  t.state = State::AtBarrier;
  yieldToScheduler(t);
  tsanAcquire(&b.barrierToken[generation & 1u]);
}

uint64_t warpCollective(WarpOp op, unsigned mask, uint64_t value, int argument, int width) {
  GpuThread& t = *emulator.current;
  if (width < 1 || width > 32 || (width & (width - 1)) != 0) width = 32;  // CUDA: undefined; use the whole warp
  t.op = op, t.mask = mask, t.value = value, t.argument = argument, t.width = width;
  char* token = nullptr;
  if (op == WarpOp::Sync) {  // alternating tokens, as the block barrier's (syncthreads)
    Block& b = *t.block;
    const size_t warp = static_cast<size_t>(&t - emulator.threads.data()) / 32;
    token = &b.warpToken[2 * warp + (b.warpGeneration[warp] & 1u)];
    tsanRelease(token);
  }
  t.state = State::AtWarp;
  yieldToScheduler(t);
  if (token) tsanAcquire(token);
  return t.result;
}

cudaError_t runGrid(const LaunchConfig& c, void (*body)(void*), void* closure) {
  std::string why;
  if (!validLaunchConfig(c, why)) {
    setLastError(cudaErrorInvalidConfiguration, (std::string(c.name) + ": " + why).c_str());
    return cudaErrorInvalidConfiguration;
  }
  static thread_local bool launching = false;  // a launch from inside a kernel would wait for itself
  if (launching) {
    setLastError(cudaErrorLaunchFailure, (std::string(c.name) + ": launched from inside a kernel").c_str());
    return cudaErrorLaunchFailure;
  }
  std::lock_guard<std::mutex> serial(launchMutex);
  launching = true;
  const int count = static_cast<int>(c.block.x * c.block.y * c.block.z);
  const uint64_t blocks = uint64_t{c.grid.x} * c.grid.y * c.grid.z;
  {
    std::lock_guard<std::mutex> lock(statsMutex);
    KernelStats& s = statsTable()[c.name];
    s.launches += 1, s.blocks += blocks, s.threads += blocks * static_cast<uint64_t>(count);
  }
  Run run;
  run.body = body, run.closure = closure;
  emulator.run = &run;
  emulator.schedulerTsan = tsanCurrentFiber();
  emulator.threads.assign(static_cast<size_t>(count), GpuThread{});
  std::string error;
  for (unsigned z = 0; z < c.grid.z && error.empty(); ++z)
    for (unsigned y = 0; y < c.grid.y && error.empty(); ++y)
      for (unsigned x = 0; x < c.grid.x && error.empty(); ++x) {
        auto block = std::make_unique<Block>();
        const size_t warps = static_cast<size_t>(count + 31) / 32;
        block->warpGeneration.assign(warps, 0);
        block->warpToken.assign(2 * warps, 0);
        refillSharedMemory();
        tsanRelease(&run.startToken);
        for (int i = 0; i < count; ++i) {
          GpuThread& t = emulator.threads[static_cast<size_t>(i)];
          const unsigned u = static_cast<unsigned>(i);
          t.coordinates = ThreadCoordinates{{u % c.block.x, u / c.block.x % c.block.y, u / (c.block.x * c.block.y)},
                                            {x, y, z}, c.block, c.grid};
          t.state = State::Runnable;
          t.lane = i % 32;
          t.block = block.get();
          while (emulator.tsanFibers.size() <= static_cast<size_t>(i)) emulator.tsanFibers.push_back(tsanCreateFiber());
          t.tsanFiber = emulator.tsanFibers[static_cast<size_t>(i)];
          char* stack = static_cast<char*>(emulator.stacks.stack(static_cast<size_t>(i)));
#if defined(__SANITIZE_ADDRESS__)
          ASAN_UNPOISON_MEMORY_REGION(stack, StackPool::kStackBytes);  // frames a previous fiber never unwound
#endif
          // Stack tops staggered by 64-byte lines: at one offset modulo 4 KiB every fiber's frames would share a
          // few L1 sets and evict each other at every switch.
          t.fiber.start(stack, StackPool::kStackBytes - 64 * static_cast<size_t>(i % 61), threadMain, &t);
        }
        error = runBlock(emulator.threads.data(), count);
        tsanAcquire(&run.doneToken);
      }
  emulator.run = nullptr;
  launching = false;
  if (error.empty()) return cudaSuccess;
  setLastError(cudaErrorLaunchFailure, (std::string(c.name) + ": " + error).c_str());
  return cudaErrorLaunchFailure;
}

std::map<std::string, KernelStats> kernelStats() {
  std::lock_guard<std::mutex> lock(statsMutex);
  return statsTable();
}

}  // namespace prunerl::cuda_emu
