// Kernel launches on the emulator. The build rewrites `kernel<<<grid, block>>>(args)` in each .cu source into
//   kernel * ::prunerl::cuda_emu::Launch("kernel", grid, block)(args)
// (only the two chevron tokens change, so line numbers stay), and this operator* runs the grid: the arguments are
// converted to the kernel's parameter types once, as a launch copies them, and every thread calls the kernel with
// its own copy. On a capturing stream (no stream: the per-thread default stream) the converted arguments are kept
// and the grid runs at each replay of the graph instead (stream_capture.h).
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "cuda_emu/device_memory_map.h"
#include "cuda_emu/runtime_api.h"

namespace prunerl::cuda_emu {

struct LaunchConfig {
  const char* name;
  dim3 grid, block;
  size_t dynamicShared;
};

// Runs `thread(closure)` for every thread of every block (scheduler.cpp); returns the launch's error, which also
// goes to cudaGetLastError.
cudaError_t runGrid(const LaunchConfig& config, void (*thread)(void*), void* closure);
// Whether a launch could run (CUDA's limits, and what the emulator provides); else why not.
bool validLaunchConfig(const LaunchConfig& config, std::string& why);
// Runs the grid now, or records it if `stream` captures (streams.cpp); `closure` lives as long as the graph.
void launchOn(cudaStream_t stream, const LaunchConfig& config, void (*thread)(void*), std::shared_ptr<void> closure);

template <typename... A>
struct LaunchWith {
  LaunchConfig config;
  cudaStream_t stream;
  std::tuple<A...> arguments;
};

struct Launch {
  LaunchConfig config;
  cudaStream_t stream;
  Launch(const char* name, dim3 grid, dim3 block, size_t dynamicShared = 0, cudaStream_t s = nullptr)
      : config{name, grid, block, dynamicShared}, stream(s) {}
  template <typename... A>
  LaunchWith<A...> operator()(A... arguments) const {
    return LaunchWith<A...>{config, stream, std::tuple<A...>(std::move(arguments)...)};
  }
};

// A pointer argument must be null or device memory (device_memory_map.h): a host pointer is an illegal address on a GPU.
template <typename T>
bool pointsToDevice(const T& value) {
  if constexpr (std::is_pointer_v<T>)
    return value == nullptr || isDeviceMemory(value);
  else
    return true;
}

template <typename... P, typename... A>
void operator*(void (*kernel)(P...), LaunchWith<A...>&& launch) {
  static_assert(sizeof...(P) == sizeof...(A), "a kernel launched with the wrong number of arguments");
  struct Closure {
    void (*kernel)(P...);
    std::tuple<P...> parameters;
  };
  auto closure = std::make_shared<Closure>(Closure{kernel, std::tuple<P...>(std::move(launch.arguments))});
  const bool onDevice = std::apply([](const auto&... p) { return (pointsToDevice(p) && ...); }, closure->parameters);
  if (!onDevice) {
    setLastError(cudaErrorInvalidValue,
                 (std::string(launch.config.name) + ": a pointer argument is not device memory").c_str());
    return;
  }
  launchOn(launch.stream, launch.config, [](void* c) {
    Closure& self = *static_cast<Closure*>(c);
    std::apply(self.kernel, std::tuple<P...>(self.parameters));  // each thread its own copy of the parameters
  }, std::move(closure));
}

}  // namespace prunerl::cuda_emu
