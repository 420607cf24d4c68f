/* Bytecode interpreter loop: a small stack machine with a register file,
 * dispatched by a switch in a loop (an indirect branch per instruction),
 * running three programs written in its bytecode: prime counting by trial
 * division, a Collatz step total, and a recursive Fibonacci using CALL/RET.
 * Size argument: scale (default 60). Prints each program's result. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum Op {
  OpPush,
  OpLoad,
  OpStore,
  OpAdd,
  OpSub,
  OpMul,
  OpDiv,
  OpMod,
  OpLt,
  OpEq,
  OpJz,
  OpJnz,
  OpJmp,
  OpDup,
  OpDrop,
  OpSwap,
  OpAnd,
  OpShr,
  OpInc,
  OpCall,
  OpRet,
  OpArg,
  OpHalt
};

struct Vm {
  int64_t stack[4096];
  int64_t regs[16];
  int64_t frames[4096]; /* return addresses and saved frame pointers */
  long executed;
};

static int64_t run(struct Vm *vm, const int64_t *code, int64_t arg) {
  int64_t *sp = vm->stack;
  int64_t *fp = vm->frames;
  int64_t pc = 0;
  long count = 0;
  *sp++ = arg;
  for (;;) {
    ++count;
    int64_t op = code[pc++];
    switch (op) {
    case OpPush: *sp++ = code[pc++]; break;
    case OpLoad: *sp++ = vm->regs[code[pc++]]; break;
    case OpStore: vm->regs[code[pc++]] = *--sp; break;
    case OpAdd:
      sp[-2] += sp[-1];
      --sp;
      break;
    case OpSub:
      sp[-2] -= sp[-1];
      --sp;
      break;
    case OpMul:
      sp[-2] *= sp[-1];
      --sp;
      break;
    case OpDiv:
      sp[-2] /= sp[-1];
      --sp;
      break;
    case OpMod:
      sp[-2] %= sp[-1];
      --sp;
      break;
    case OpLt:
      sp[-2] = sp[-2] < sp[-1];
      --sp;
      break;
    case OpEq:
      sp[-2] = sp[-2] == sp[-1];
      --sp;
      break;
    case OpJz: pc = *--sp == 0 ? code[pc] : pc + 1; break;
    case OpJnz: pc = *--sp != 0 ? code[pc] : pc + 1; break;
    case OpJmp: pc = code[pc]; break;
    case OpDup:
      sp[0] = sp[-1];
      ++sp;
      break;
    case OpDrop: --sp; break;
    case OpSwap: {
      int64_t t = sp[-1];
      sp[-1] = sp[-2];
      sp[-2] = t;
      break;
    }
    case OpAnd:
      sp[-2] &= sp[-1];
      --sp;
      break;
    case OpShr:
      sp[-2] >>= sp[-1];
      --sp;
      break;
    case OpInc:
      vm->regs[code[pc]] += code[pc + 1];
      pc += 2;
      break;
    case OpCall: /* argument on the stack stays there as the callee's frame slot */
      fp[0] = pc + 1;
      fp[1] = (int64_t)(sp - vm->stack) - 1;
      fp += 2;
      pc = code[pc];
      break;
    case OpRet: { /* result on top; pops the argument slot */
      int64_t result = sp[-1];
      fp -= 2;
      sp = vm->stack + fp[1];
      sp[0] = result;
      ++sp;
      pc = fp[0];
      break;
    }
    case OpArg: *sp++ = vm->stack[fp[-1]]; break;
    case OpHalt: vm->executed += count; return sp[-1];
    default: fprintf(stderr, "bad opcode %lld\n", (long long)op); exit(1);
    }
  }
}

// clang-format off: one bytecode instruction group per line, offsets noted.
/* Count primes below arg: for n in 2..arg-1, trial division by d while
 * d*d <= n. Offsets are the word index of each line's first word. */
static const int64_t kPrimes[] = {
    OpStore, 0,                                    /* 0: r0 = limit */
    OpPush,  2, OpStore, 1,                        /* 2: n = 2 */
    OpPush,  0, OpStore, 3,                        /* 6: count = 0 */
    OpLoad,  1, OpLoad,  0,     OpLt,  OpJz,   52, /* 10: while n < limit */
    OpPush,  2, OpStore, 2,                        /* 17: d = 2 */
    OpLoad,  2, OpLoad,  2,     OpMul, OpLoad, 1,  OpSwap, OpLt, OpJnz, 44, /* 21: n < d*d: prime */
    OpLoad,  1, OpLoad,  2,     OpMod, OpJz,   47, /* 32: n % d == 0: composite */
    OpInc,   2, 1,       OpJmp, 21,                /* 39: d++ */
    OpInc,   3, 1,                                 /* 44: count++ */
    OpInc,   1, 1,       OpJmp, 10,                /* 47: n++ */
    OpLoad,  3, OpHalt,                            /* 52: return count */
};

/* Total Collatz steps for n in 1..arg-1. */
static const int64_t kCollatz[] = {
    OpStore, 0,                                     /* 0: r0 = limit */
    OpPush,  1, OpStore, 1,                         /* 2: n = 1 */
    OpPush,  0, OpStore, 3,                         /* 6: total = 0 */
    OpLoad,  1, OpLoad,  0,     OpLt,  OpJz,    64, /* 10: while n < limit */
    OpLoad,  1, OpStore, 2,                         /* 17: x = n */
    OpLoad,  2, OpPush,  1,     OpEq,  OpJnz,   59, /* 21: while x != 1 */
    OpLoad,  2, OpPush,  1,     OpAnd, OpJz,    47, /* 28: x odd? */
    OpLoad,  2, OpPush,  3,     OpMul, OpPush,  1,  OpAdd, OpStore, 2, OpJmp, 54, /* 35: x = 3x+1 */
    OpLoad,  2, OpPush,  1,     OpShr, OpStore, 2,                                /* 47: x >>= 1 */
    OpInc,   3, 1,       OpJmp, 21,                                               /* 54: total++ */
    OpInc,   1, 1,       OpJmp, 10,                                               /* 59: n++ */
    OpLoad,  3, OpHalt, /* 64: return total */
};

/* fib(n) = n < 2 ? n : fib(n-1) + fib(n-2), through CALL/RET. */
static const int64_t kFib[] = {
    OpCall, 4,      OpHalt, OpHalt,             /* 0: fib(arg); halt */
    OpArg,  OpPush, 2,      OpLt,   OpJz,   12, /* 4: if n < 2 */
    OpArg,  OpRet,                              /* 10: return n */
    OpArg,  OpPush, 1,      OpSub,  OpCall, 4,  /* 12: fib(n-1) */
    OpArg,  OpPush, 2,      OpSub,  OpCall, 4,  /* 18: fib(n-2) */
    OpAdd,  OpRet,                              /* 24: add, return */
};

// clang-format on

int main(int argc, char **argv) {
  long scale = argc > 1 ? atol(argv[1]) : 60;
  if (scale < 1) {
    fprintf(stderr, "usage: bytecode [scale >= 1]\n");
    return 2;
  }
  static struct Vm vm;
  int64_t primes = run(&vm, kPrimes, 20000 * scale);
  printf("primes below %ld: %lld\n", 20000 * scale, (long long)primes);
  int64_t steps = run(&vm, kCollatz, 3000 * scale);
  printf("collatz steps for 1..%ld: %lld\n", 3000 * scale - 1, (long long)steps);
  long fibN = 20 + (scale >= 60 ? 10 : scale / 6);
  int64_t fib = run(&vm, kFib, fibN);
  printf("fib(%ld) = %lld\n", fibN, (long long)fib);
  printf("bytecodes executed: %ld\n", vm.executed);
  return 0;
}
