// An owned device allocation (cudaMalloc / cudaFree) with typed host copies; move-only. The destructor never throws
// (a failing cudaFree after a sticky error is ignored: the context is unusable anyway and the error was reported).
#pragma once
#include <cuda_runtime.h>

#include <cstdint>
#include <utility>

#include "cuda/cuda_check.h"

namespace prunerl::cuda {

template <typename T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(int64_t count) : count_(count) {
    if (count > 0) checkCuda(cudaMalloc(reinterpret_cast<void**>(&data_), bytes()), "cudaMalloc");
  }
  // A device copy of host[0..count).
  DeviceBuffer(const T* host, int64_t count) : DeviceBuffer(count) { upload(host); }
  ~DeviceBuffer() {
    if (data_) cudaFree(data_);
  }
  DeviceBuffer(DeviceBuffer&& o) noexcept : data_(std::exchange(o.data_, nullptr)), count_(std::exchange(o.count_, 0)) {}
  DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(count_, o.count_);
    return *this;
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  T* data() const { return data_; }
  int64_t size() const { return count_; }
  size_t bytes() const { return static_cast<size_t>(count_) * sizeof(T); }

  void upload(const T* host) {
    if (count_ > 0) checkCuda(cudaMemcpy(data_, host, bytes(), cudaMemcpyHostToDevice), "cudaMemcpy (to device)");
  }
  void download(T* host) const {
    if (count_ > 0) checkCuda(cudaMemcpy(host, data_, bytes(), cudaMemcpyDeviceToHost), "cudaMemcpy (to host)");
  }
  void zero() {
    if (count_ > 0) checkCuda(cudaMemset(data_, 0, bytes()), "cudaMemset");
  }

 private:
  T* data_ = nullptr;
  int64_t count_ = 0;
};

}  // namespace prunerl::cuda
