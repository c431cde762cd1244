#include "base/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace prunerl {
namespace {

int configuredThreads() {
  if (const char* env = std::getenv("PRUNERL_THREADS")) {
    int n = std::atoi(env);
    if (n >= 1 && n <= 1024) return n;
  }
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

// One parallel region: chunks are claimed through `next`, so whichever threads are running take them. On a busy
// machine a descheduled worker then costs nothing: the caller (or another worker) runs its chunks instead of
// waiting a scheduler time slice for it. Results stay deterministic: chunk c always covers the same range.
struct Region {
  const std::function<void(int)>* task = nullptr;
  int chunks = 0;
  std::atomic<int> next{0};
  std::atomic<int> done{0};
};

class ThreadPool {
 public:
  explicit ThreadPool(int threads) : size_(threads) {
    for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { workerLoop(); });
  }
  ~ThreadPool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
      generation_.fetch_add(1);
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
  }

  int size() const { return size_; }

  // Runs task(chunk) for chunk in [0, chunks), each exactly once, on the caller and the workers.
  void run(int chunks, const std::function<void(int)>& task) {
    if (chunks <= 1) {
      task(0);
      return;
    }
    std::lock_guard<std::mutex> serial(runMutex_);  // one parallel region at a time
    Region region;
    region.task = &task;
    region.chunks = chunks;
    error_ = nullptr;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      current_.store(&region);
      generation_.fetch_add(1);
    }
    wake_.notify_all();
    work(region);
    // Only chunks another thread has claimed and is running can be outstanding here.
    while (region.done.load() != chunks) std::this_thread::yield();
    current_.store(nullptr);
    // A worker that saw this region may still be about to read `next`; the region lives on our stack.
    while (inside_.load() != 0) std::this_thread::yield();
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void work(Region& region) {
    for (int c = region.next.fetch_add(1); c < region.chunks; c = region.next.fetch_add(1)) {
      try {
        (*region.task)(c);
      } catch (...) {
        std::lock_guard<std::mutex> lock(errorMutex_);
        if (!error_) error_ = std::current_exception();
      }
      region.done.fetch_add(1);
    }
  }

  void workerLoop() {
    uint64_t seen = 0;
    for (;;) {
      // Spin for a short while: the next kernel usually follows within microseconds.
      uint64_t gen = generation_.load(std::memory_order_acquire);
      for (int spin = 0; gen == seen && spin < 20000; ++spin) {
        std::this_thread::yield();
        gen = generation_.load(std::memory_order_acquire);
      }
      if (gen == seen) {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return generation_.load() != seen; });
        gen = generation_.load();
      }
      seen = gen;
      if (stop_) return;
      // Announce ourselves before looking at the region (seq_cst), so run() waits for us if we saw it.
      inside_.fetch_add(1);
      if (Region* region = current_.load()) work(*region);
      inside_.fetch_sub(1);
    }
  }

  int size_;
  std::vector<std::thread> workers_;
  std::mutex mutex_, runMutex_, errorMutex_;
  std::condition_variable wake_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<Region*> current_{nullptr};
  std::atomic<int> inside_{0};
  bool stop_ = false;
  std::exception_ptr error_;
};

ThreadPool& pool() {
  static ThreadPool instance(configuredThreads());
  return instance;
}

}  // namespace

int threadCount() { return pool().size(); }

int parallelChunks(int64_t n, int64_t grain, const std::function<void(int, int64_t, int64_t)>& fn) {
  if (n <= 0) return 0;
  grain = std::max<int64_t>(grain, 1);
  int64_t byGrain = (n + grain - 1) / grain;
  int chunks = static_cast<int>(std::min<int64_t>(pool().size(), byGrain));
  if (chunks <= 1) {
    fn(0, 0, n);
    return 1;
  }
  pool().run(chunks, [&](int c) {
    int64_t begin = n * c / chunks, end = n * (c + 1) / chunks;
    fn(c, begin, end);
  });
  return chunks;
}

void parallelFor(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  parallelChunks(n, grain, [&](int, int64_t b, int64_t e) { fn(b, e); });
}

}  // namespace prunerl
