// Kernel launches on the emulator. The build rewrites `kernel<<<grid, block>>>(args)` in each .cu source into
//   kernel * ::prunerl::cuda_emu::Launch("kernel", grid, block)(args)
// (only the two chevron tokens change, so line numbers stay), and this operator* runs the grid: the arguments are
// converted to the kernel's parameter types once, as a launch copies them, and every thread calls the kernel with
// its own copy.
#pragma once
#include <cstddef>
#include <tuple>
#include <utility>

#include "cuda_emu/runtime_api.h"

namespace prunerl::cuda_emu {

struct LaunchConfig {
  const char* name;
  dim3 grid, block;
  size_t dynamicShared;
};

// Runs `thread(closure)` for every thread of every block (scheduler.cpp); errors go to cudaGetLastError.
void runGrid(const LaunchConfig& config, void (*thread)(void*), void* closure);

template <typename... A>
struct LaunchWith {
  LaunchConfig config;
  std::tuple<A...> arguments;
};

struct Launch {
  LaunchConfig config;
  Launch(const char* name, dim3 grid, dim3 block, size_t dynamicShared = 0, cudaStream_t = nullptr)
      : config{name, grid, block, dynamicShared} {}
  template <typename... A>
  LaunchWith<A...> operator()(A... arguments) const {
    return LaunchWith<A...>{config, std::tuple<A...>(std::move(arguments)...)};
  }
};

template <typename... P, typename... A>
void operator*(void (*kernel)(P...), LaunchWith<A...>&& launch) {
  static_assert(sizeof...(P) == sizeof...(A), "a kernel launched with the wrong number of arguments");
  struct Closure {
    void (*kernel)(P...);
    std::tuple<P...> parameters;
  };
  Closure closure{kernel, std::tuple<P...>(std::move(launch.arguments))};
  runGrid(launch.config, [](void* c) {
    Closure& self = *static_cast<Closure*>(c);
    std::apply(self.kernel, std::tuple<P...>(self.parameters));  // each thread its own copy of the parameters
  }, &closure);
}

}  // namespace prunerl::cuda_emu
