// A small fixed-size thread pool for data-parallel kernels.
// Work is split statically (chunk i of n always covers the same range for a given thread count), so results are
// deterministic for a given PRUNERL_THREADS. Chunks go to whichever thread claims them first (the caller included),
// so a descheduled worker never stalls a kernel on a busy machine. Workers spin briefly before sleeping because a
// DQN update issues many short kernels and a condition-variable wake-up costs tens of microseconds.
#pragma once
#include <cstdint>
#include <functional>

namespace prunerl {

// Number of threads kernels use (the caller included): PRUNERL_THREADS if set, else the machine's core count.
int threadCount();

// Calls fn(begin, end) over [0, n) split into at most threadCount() contiguous chunks of at least `grain` items.
// Exceptions thrown by fn are rethrown on the calling thread (the first one wins).
void parallelFor(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

// Calls fn(chunk, chunkCount) once per chunk; for kernels that keep per-thread partial results.
int parallelChunks(int64_t n, int64_t grain, const std::function<void(int, int64_t, int64_t)>& fn);

}  // namespace prunerl
