// A tensor of a Network or Learner in its device's memory (ops/device_memory.h): host memory on the CPU, GPU memory
// on a resident CUDA table. Move-only; data() is a pointer in that memory, for the device's ops only: values reach
// the host through download()/toHost() and come back through upload(), so no host code reads a GPU pointer.
#pragma once
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "ops/device_memory.h"

namespace prunerl {

template <typename T>
class Buffer {
 public:
  Buffer() = default;
  explicit Buffer(const DeviceMemory& memory, int64_t count = 0) : memory_(&memory) { resize(count); }
  Buffer(const DeviceMemory& memory, const T* host, int64_t count) : Buffer(memory, count) { upload(host); }
  Buffer(const DeviceMemory& memory, const std::vector<T>& host)
      : Buffer(memory, host.data(), static_cast<int64_t>(host.size())) {}
  ~Buffer() { release(); }
  Buffer(Buffer&& o) noexcept
      : memory_(o.memory_), data_(std::exchange(o.data_, nullptr)), count_(std::exchange(o.count_, 0)),
        capacity_(std::exchange(o.capacity_, 0)) {}
  Buffer& operator=(Buffer&& o) noexcept {
    std::swap(memory_, o.memory_);
    std::swap(data_, o.data_);
    std::swap(count_, o.count_);
    std::swap(capacity_, o.capacity_);
    return *this;
  }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  T* data() { return data_; }
  const T* data() const { return data_; }
  int64_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  int64_t bytes() const { return count_ * static_cast<int64_t>(sizeof(T)); }
  const DeviceMemory& memory() const { return *memory_; }

  // `count` elements. Grows (a fresh, zero-filled allocation) only past the largest count held so far, so
  // alternating sizes (acting with batch 1 between batch-32 updates) keep one allocation and its address; the
  // first `count` elements are kept otherwise.
  void resize(int64_t count) {
    if (count > capacity_) {
      release();
      data_ = static_cast<T*>(memory_->allocate(count * static_cast<int64_t>(sizeof(T))));
      capacity_ = count;
    }
    count_ = count;
  }
  // `count` zeros.
  void assignZeros(int64_t count) {
    resize(count);
    zero();
  }
  void zero() { memory_->zero(data_, bytes()); }
  // Gives the memory back.
  void clear() { release(); }

  void upload(const T* host) { memory_->upload(data_, host, bytes()); }
  void download(T* host) const { memory_->download(host, data_, bytes()); }
  std::vector<T> toHost() const {
    std::vector<T> out(static_cast<size_t>(count_));
    download(out.data());
    return out;
  }
  // Replaces the contents with host[0..count) (resizing).
  void assign(const T* host, int64_t count) {
    resize(count);
    upload(host);
  }
  void assign(const std::vector<T>& host) { assign(host.data(), static_cast<int64_t>(host.size())); }
  // A copy of `other` (same memory), resizing.
  void copyFrom(const Buffer& other) {
    resize(other.count_);
    memory_->copy(data_, other.data_, bytes());
  }

 private:
  void release() {
    if (data_) memory_->release(data_);
    data_ = nullptr;
    count_ = capacity_ = 0;
  }

  const DeviceMemory* memory_ = nullptr;  // set by every constructor but the default one (then assigned)
  T* data_ = nullptr;
  int64_t count_ = 0, capacity_ = 0;
};

}  // namespace prunerl
