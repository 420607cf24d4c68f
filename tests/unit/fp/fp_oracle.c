// Oracle for the F/D golden file: a riscv64 Linux program that executes one
// F or D instruction per input line under a given dynamic rounding mode and
// prints the result bits and the fflags it raised. Run under qemu-riscv64
// (softfloat) by generate_fp_golden.py; never part of the normal build.
//
// Input lines:  MNEMONIC RM A B C   (RM 0..4; A, B, C raw 64-bit hex register
//               values: f registers for F operands, x registers for X ones)
// Output lines: RESULT FLAGS         (hex; RESULT is the raw f or x register)
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

typedef uint64_t (*OpFn)(uint64_t, uint64_t, uint64_t);

// f rd <- f rs1, f rs2
#define OP_FFF(fn, insn)                                                                   \
  static uint64_t fn(uint64_t a, uint64_t b, uint64_t c) {                                 \
    (void)c;                                                                               \
    uint64_t r;                                                                            \
    asm volatile("fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\t" insn " ft2, ft0, ft1\n\t"        \
                 "fmv.x.d %0, ft2"                                                         \
                 : "=r"(r) : "r"(a), "r"(b) : "ft0", "ft1", "ft2");                        \
    return r;                                                                              \
  }
// f rd <- f rs1, f rs2, f rs3
#define OP_FFFF(fn, insn)                                                                  \
  static uint64_t fn(uint64_t a, uint64_t b, uint64_t c) {                                 \
    uint64_t r;                                                                            \
    asm volatile("fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\tfmv.d.x ft2, %3\n\t" insn          \
                 " ft3, ft0, ft1, ft2\n\tfmv.x.d %0, ft3"                                  \
                 : "=r"(r) : "r"(a), "r"(b), "r"(c) : "ft0", "ft1", "ft2", "ft3");         \
    return r;                                                                              \
  }
// f rd <- f rs1
#define OP_FF(fn, insn)                                                                    \
  static uint64_t fn(uint64_t a, uint64_t b, uint64_t c) {                                 \
    (void)b, (void)c;                                                                      \
    uint64_t r;                                                                            \
    asm volatile("fmv.d.x ft0, %1\n\t" insn " ft2, ft0\n\tfmv.x.d %0, ft2"                 \
                 : "=r"(r) : "r"(a) : "ft0", "ft2");                                       \
    return r;                                                                              \
  }
// x rd <- f rs1, f rs2
#define OP_XFF(fn, insn)                                                                   \
  static uint64_t fn(uint64_t a, uint64_t b, uint64_t c) {                                 \
    (void)c;                                                                               \
    uint64_t r;                                                                            \
    asm volatile("fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\t" insn " %0, ft0, ft1"             \
                 : "=r"(r) : "r"(a), "r"(b) : "ft0", "ft1");                               \
    return r;                                                                              \
  }
// x rd <- f rs1
#define OP_XF(fn, insn)                                                                    \
  static uint64_t fn(uint64_t a, uint64_t b, uint64_t c) {                                 \
    (void)b, (void)c;                                                                      \
    uint64_t r;                                                                            \
    asm volatile("fmv.d.x ft0, %1\n\t" insn " %0, ft0" : "=r"(r) : "r"(a) : "ft0");        \
    return r;                                                                              \
  }
// f rd <- x rs1
#define OP_FX(fn, insn)                                                                    \
  static uint64_t fn(uint64_t a, uint64_t b, uint64_t c) {                                 \
    (void)b, (void)c;                                                                      \
    uint64_t r;                                                                            \
    asm volatile(insn " ft2, %1\n\tfmv.x.d %0, ft2" : "=r"(r) : "r"(a) : "ft2");           \
    return r;                                                                              \
  }

OP_FFF(faddS, "fadd.s") OP_FFF(fsubS, "fsub.s") OP_FFF(fmulS, "fmul.s") OP_FFF(fdivS, "fdiv.s")
OP_FFF(fsgnjS, "fsgnj.s") OP_FFF(fsgnjnS, "fsgnjn.s") OP_FFF(fsgnjxS, "fsgnjx.s")
OP_FFF(fminS, "fmin.s") OP_FFF(fmaxS, "fmax.s")
OP_FFF(faddD, "fadd.d") OP_FFF(fsubD, "fsub.d") OP_FFF(fmulD, "fmul.d") OP_FFF(fdivD, "fdiv.d")
OP_FFF(fsgnjD, "fsgnj.d") OP_FFF(fsgnjnD, "fsgnjn.d") OP_FFF(fsgnjxD, "fsgnjx.d")
OP_FFF(fminD, "fmin.d") OP_FFF(fmaxD, "fmax.d")
OP_FFFF(fmaddS, "fmadd.s") OP_FFFF(fmsubS, "fmsub.s") OP_FFFF(fnmsubS, "fnmsub.s")
OP_FFFF(fnmaddS, "fnmadd.s")
OP_FFFF(fmaddD, "fmadd.d") OP_FFFF(fmsubD, "fmsub.d") OP_FFFF(fnmsubD, "fnmsub.d")
OP_FFFF(fnmaddD, "fnmadd.d")
OP_FF(fsqrtS, "fsqrt.s") OP_FF(fsqrtD, "fsqrt.d") OP_FF(fcvtSD, "fcvt.s.d") OP_FF(fcvtDS, "fcvt.d.s")
OP_XFF(feqS, "feq.s") OP_XFF(fltS, "flt.s") OP_XFF(fleS, "fle.s")
OP_XFF(feqD, "feq.d") OP_XFF(fltD, "flt.d") OP_XFF(fleD, "fle.d")
OP_XF(fcvtWS, "fcvt.w.s") OP_XF(fcvtWuS, "fcvt.wu.s") OP_XF(fcvtLS, "fcvt.l.s")
OP_XF(fcvtLuS, "fcvt.lu.s") OP_XF(fmvXW, "fmv.x.w") OP_XF(fclassS, "fclass.s")
OP_XF(fcvtWD, "fcvt.w.d") OP_XF(fcvtWuD, "fcvt.wu.d") OP_XF(fcvtLD, "fcvt.l.d")
OP_XF(fcvtLuD, "fcvt.lu.d") OP_XF(fmvXD, "fmv.x.d") OP_XF(fclassD, "fclass.d")
OP_FX(fcvtSW, "fcvt.s.w") OP_FX(fcvtSWu, "fcvt.s.wu") OP_FX(fcvtSL, "fcvt.s.l")
OP_FX(fcvtSLu, "fcvt.s.lu") OP_FX(fmvWX, "fmv.w.x")
OP_FX(fcvtDW, "fcvt.d.w") OP_FX(fcvtDWu, "fcvt.d.wu") OP_FX(fcvtDL, "fcvt.d.l")
OP_FX(fcvtDLu, "fcvt.d.lu") OP_FX(fmvDX, "fmv.d.x")

static const struct {
  const char *name;
  OpFn fn;
} kOps[] = {
    {"fadd.s", faddS},     {"fsub.s", fsubS},       {"fmul.s", fmulS},     {"fdiv.s", fdivS},
    {"fsgnj.s", fsgnjS},   {"fsgnjn.s", fsgnjnS},   {"fsgnjx.s", fsgnjxS}, {"fmin.s", fminS},
    {"fmax.s", fmaxS},     {"fadd.d", faddD},       {"fsub.d", fsubD},     {"fmul.d", fmulD},
    {"fdiv.d", fdivD},     {"fsgnj.d", fsgnjD},     {"fsgnjn.d", fsgnjnD}, {"fsgnjx.d", fsgnjxD},
    {"fmin.d", fminD},     {"fmax.d", fmaxD},       {"fmadd.s", fmaddS},   {"fmsub.s", fmsubS},
    {"fnmsub.s", fnmsubS}, {"fnmadd.s", fnmaddS},   {"fmadd.d", fmaddD},   {"fmsub.d", fmsubD},
    {"fnmsub.d", fnmsubD}, {"fnmadd.d", fnmaddD},   {"fsqrt.s", fsqrtS},   {"fsqrt.d", fsqrtD},
    {"fcvt.s.d", fcvtSD},  {"fcvt.d.s", fcvtDS},    {"feq.s", feqS},       {"flt.s", fltS},
    {"fle.s", fleS},       {"feq.d", feqD},         {"flt.d", fltD},       {"fle.d", fleD},
    {"fcvt.w.s", fcvtWS},  {"fcvt.wu.s", fcvtWuS},  {"fcvt.l.s", fcvtLS},  {"fcvt.lu.s", fcvtLuS},
    {"fmv.x.w", fmvXW},    {"fclass.s", fclassS},   {"fcvt.w.d", fcvtWD},  {"fcvt.wu.d", fcvtWuD},
    {"fcvt.l.d", fcvtLD},  {"fcvt.lu.d", fcvtLuD},  {"fmv.x.d", fmvXD},    {"fclass.d", fclassD},
    {"fcvt.s.w", fcvtSW},  {"fcvt.s.wu", fcvtSWu},  {"fcvt.s.l", fcvtSL},  {"fcvt.s.lu", fcvtSLu},
    {"fmv.w.x", fmvWX},    {"fcvt.d.w", fcvtDW},    {"fcvt.d.wu", fcvtDWu}, {"fcvt.d.l", fcvtDL},
    {"fcvt.d.lu", fcvtDLu}, {"fmv.d.x", fmvDX},
};

int main(void) {
  char name[32];
  unsigned rm;
  uint64_t a, b, c;
  while (scanf("%31s %u %" SCNx64 " %" SCNx64 " %" SCNx64, name, &rm, &a, &b, &c) == 5) {
    OpFn fn = 0;
    for (size_t i = 0; i < sizeof kOps / sizeof kOps[0]; ++i)
      if (strcmp(kOps[i].name, name) == 0)
        fn = kOps[i].fn;
    if (!fn || rm > 4) {
      fprintf(stderr, "fp_oracle: bad input line for %s\n", name);
      return 1;
    }
    uint64_t flags;
    asm volatile("csrw frm, %0\n\tcsrw fflags, zero" : : "r"((uint64_t)rm));
    uint64_t result = fn(a, b, c);
    asm volatile("csrr %0, fflags" : "=r"(flags));
    printf("%016" PRIx64 " %02" PRIx64 "\n", result, flags);
  }
  return 0;
}
