#include "cuda_emu/fiber.h"

#include <sys/mman.h>

#include <cstdint>
#include <new>

namespace prunerl::cuda_emu {

#if defined(__x86_64__)

// System V x86-64: rbx, rbp, r12–r15 are callee-saved; everything else is saved by the caller of the switch.
// switch(save, next): push them, store rsp in *save, load next, pop them, return into the other fiber.
// A new fiber's stack holds the six registers (r12 = argument, r13 = entry) and returns into the trampoline.
extern "C" void prunerl_cuda_emu_switch(void** save, void* next);
extern "C" void prunerl_cuda_emu_trampoline();
asm(R"(
  .text
  .p2align 4
  .globl prunerl_cuda_emu_switch
  .hidden prunerl_cuda_emu_switch
  .type prunerl_cuda_emu_switch, @function
prunerl_cuda_emu_switch:
  .cfi_startproc
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .cfi_endproc
  .size prunerl_cuda_emu_switch, .-prunerl_cuda_emu_switch

  .p2align 4
  .globl prunerl_cuda_emu_trampoline
  .hidden prunerl_cuda_emu_trampoline
  .type prunerl_cuda_emu_trampoline, @function
prunerl_cuda_emu_trampoline:
  .cfi_startproc
  .cfi_undefined rip
  movq %r12, %rdi
  callq *%r13
  ud2
  .cfi_endproc
  .size prunerl_cuda_emu_trampoline, .-prunerl_cuda_emu_trampoline
)");

void Fiber::start(void* stack, size_t stackBytes, Entry entry, void* argument) {
  // After the six pops and the ret the stack pointer must be 16-byte aligned (the trampoline then calls entry).
  const uintptr_t top = (reinterpret_cast<uintptr_t>(stack) + stackBytes - 16) & ~uintptr_t{15};
  void** frame = reinterpret_cast<void**>(top - 56);
  frame[0] = nullptr;                                                // r15
  frame[1] = nullptr;                                                // r14
  frame[2] = reinterpret_cast<void*>(entry);                         // r13
  frame[3] = argument;                                               // r12
  frame[4] = nullptr;                                                // rbx
  frame[5] = nullptr;                                                // rbp
  frame[6] = reinterpret_cast<void*>(&prunerl_cuda_emu_trampoline);  // return address
  sp_ = frame;
}

void Fiber::switchFrom(Fiber& from) { prunerl_cuda_emu_switch(&from.sp_, sp_); }

#else

namespace {
// makecontext passes int arguments only: the fiber's address travels as two halves.
void ucontextEntry(unsigned high, unsigned low) {
  const auto* self = reinterpret_cast<const Fiber::Start*>((uintptr_t{high} << 32) | low);
  self->entry(self->argument);
}
}  // namespace

void Fiber::start(void* stack, size_t stackBytes, Entry entry, void* argument) {
  start_ = Start{entry, argument};
  getcontext(&context_);
  context_.uc_stack.ss_sp = stack;
  context_.uc_stack.ss_size = stackBytes;
  context_.uc_link = nullptr;
  const auto address = reinterpret_cast<uintptr_t>(&start_);
  makecontext(&context_, reinterpret_cast<void (*)()>(ucontextEntry), 2, static_cast<unsigned>(address >> 32),
              static_cast<unsigned>(address));
}

void Fiber::switchFrom(Fiber& from) { swapcontext(&from.context_, &context_); }

#endif

StackPool::~StackPool() {
  for (char* m : mappings_) munmap(m, kStackBytes + 4096);
}

void* StackPool::stack(size_t index) {
  while (mappings_.size() <= index) {
    // MAP_NORESERVE: pages are committed only when a kernel touches them (a few KiB per fiber in practice).
    void* m = mmap(nullptr, kStackBytes + 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    if (m == MAP_FAILED) throw std::bad_alloc();
    mprotect(m, 4096, PROT_NONE);  // a stack overflow faults instead of corrupting the neighbour
    mappings_.push_back(static_cast<char*>(m));
  }
  return mappings_[index] + 4096;
}

}  // namespace prunerl::cuda_emu
