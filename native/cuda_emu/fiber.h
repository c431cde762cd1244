// Fibers for the emulator's GPU threads: a stack each and a context switch, our own (no Boost). On x86-64 the switch
// is six pushes, a stack-pointer swap and six pops (about as cheap as a function call); elsewhere it falls back to
// ucontext (which also saves the signal mask, through a system call, per switch).
//
// Why fibers rather than one std::thread per GPU thread: a block here has up to 1024 threads and a prune launch
// several hundred blocks, and a warp shuffle is a rendezvous of 32 threads; OS threads would cost a creation per GPU
// thread and a futex round trip per shuffle, fibers a few nanoseconds. Fibers are also deterministic: the same
// interleaving every run, so a failing comparison replays exactly.
#pragma once
#include <cstddef>
#include <vector>

#if !defined(__x86_64__)
#include <ucontext.h>
#endif

namespace prunerl::cuda_emu {

class Fiber {
 public:
  using Entry = void (*)(void* argument);

  // Prepares the fiber to run entry(argument) on `stack` at the next switchTo. entry must never return: it ends by
  // switching away for good.
  void start(void* stack, size_t stackBytes, Entry entry, void* argument);
  // Saves the running context in `from` and resumes this fiber.
  void switchFrom(Fiber& from);

 private:
#if defined(__x86_64__)
  void* sp_ = nullptr;
#else
 public:
  struct Start {
    Entry entry;
    void* argument;
  };

 private:
  Start start_{};
  ucontext_t context_;
#endif
};

// Fiber stacks, reused from launch to launch on the calling OS thread (mmap'd lazily, a guard page below each).
class StackPool {
 public:
  static constexpr size_t kStackBytes = size_t{256} << 10;
  ~StackPool();
  void* stack(size_t index);  // the usable region [stack, stack + kStackBytes)

 private:
  std::vector<char*> mappings_;
};

}  // namespace prunerl::cuda_emu
