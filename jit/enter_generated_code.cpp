// The C-to-generated-code trampoline (see enter_generated_code.h).
#include "jit/enter_generated_code.h"

// System V: rdi = cpu, rsi = memoryBase, rdx = entry. On entry rsp is
// 8 mod 16; six pushes and 8 bytes of padding make it 0 mod 16 at the call,
// as the callee expects.
extern "C" __attribute__((naked)) uint64_t
tiercel_enter_generated_code(tiercel::CpuState *, uint8_t *, tiercel::jit::GeneratedCode) {
  asm volatile("pushq %rbp\n\t"
               "pushq %rbx\n\t"
               "pushq %r12\n\t"
               "pushq %r13\n\t"
               "pushq %r14\n\t"
               "pushq %r15\n\t"
               "subq $8, %rsp\n\t"
               "movq %rdi, %r12\n\t"
               "movq %rsi, %r13\n\t"
               "callq *%rdx\n\t"
               "addq $8, %rsp\n\t"
               "popq %r15\n\t"
               "popq %r14\n\t"
               "popq %r13\n\t"
               "popq %r12\n\t"
               "popq %rbx\n\t"
               "popq %rbp\n\t"
               "retq\n\t");
}
