#include "core/thread_pool.h"

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

class ThreadPool {
 public:
  explicit ThreadPool(int threads) : size_(threads) {
    for (int i = 1; i < threads; ++i) workers_.emplace_back([this, i] { workerLoop(i); });
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

  // Runs task(chunk) for chunk in [0, chunks); chunks <= size().
  void run(int chunks, const std::function<void(int)>& task) {
    if (chunks <= 1) {
      task(0);
      return;
    }
    std::lock_guard<std::mutex> serial(runMutex_);  // one parallel region at a time
    {
      std::lock_guard<std::mutex> lock(mutex_);
      task_ = &task;
      chunks_ = chunks;
      pending_.store(chunks - 1);
      error_ = nullptr;
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    runChunk(0);
    while (pending_.load(std::memory_order_acquire) != 0) std::this_thread::yield();
    task_ = nullptr;
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void runChunk(int chunk) {
    try {
      (*task_)(chunk);
    } catch (...) {
      std::lock_guard<std::mutex> lock(errorMutex_);
      if (!error_) error_ = std::current_exception();
    }
  }

  void workerLoop(int index) {
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
      if (index < chunks_ && task_ != nullptr) {
        runChunk(index);
        pending_.fetch_sub(1, std::memory_order_acq_rel);
      }
    }
  }

  int size_;
  std::vector<std::thread> workers_;
  std::mutex mutex_, runMutex_, errorMutex_;
  std::condition_variable wake_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> pending_{0};
  const std::function<void(int)>* task_ = nullptr;
  int chunks_ = 0;
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
