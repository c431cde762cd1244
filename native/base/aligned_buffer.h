// A zero-initialised, 64-byte aligned heap buffer (one cache line; full AVX-512 vectors).
#pragma once
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>

namespace prunerl {

class AlignedBuffer {
 public:
  explicit AlignedBuffer(size_t bytes) : bytes_(bytes) {
    size_t rounded = (bytes + 63) / 64 * 64;
    data_ = rounded == 0 ? nullptr : std::aligned_alloc(64, rounded);
    if (rounded != 0 && data_ == nullptr) throw std::bad_alloc();
    if (data_) std::memset(data_, 0, rounded);
  }
  ~AlignedBuffer() { std::free(data_); }
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;

  void* data() const { return data_; }
  size_t bytes() const { return bytes_; }

 private:
  void* data_;
  size_t bytes_;
};

}  // namespace prunerl
